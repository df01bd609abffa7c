package io.vigil.proxy.sql;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * A target database's schemas and relations (tables, views, materialized views, sequences, foreign
 * and partitioned tables) as one role saw them at one moment: what the gateway resolves a
 * statement's relation names against. Read at login (see {@link #QUERY}), shared by the sessions
 * of that target, database and role for a minute. Capped at {@link #MAX_RELATIONS}: past the cap
 * it is {@link #complete() incomplete}, and a name it lacks is unknown rather than missing.
 */
public final class RelationCatalog {

    public static final int MAX_RELATIONS = 200_000;

    /**
     * Rows of (schema, relation or null, may the role use the schema). Every name is
     * schema-qualified and every operator {@code OPERATOR(pg_catalog.x)}: it runs under the agent's
     * search_path. Temporary and TOAST schemas are left out: another session's temporary tables are
     * not this one's.
     */
    public static final String QUERY = """
            select n.nspname, null::pg_catalog.name,
                   pg_catalog.has_schema_privilege(n.oid, 'USAGE')
              from pg_catalog.pg_namespace n
             where n.nspname OPERATOR(pg_catalog.!~) '^pg_(toast|temp_|toast_temp_)'
            union all
            (select n.nspname, c.relname, null
              from pg_catalog.pg_class c
              join pg_catalog.pg_namespace n on n.oid OPERATOR(pg_catalog.=) c.relnamespace
             where c.relkind OPERATOR(pg_catalog.=) any ('{r,v,m,f,p,S}'::pg_catalog."char"[])
               and n.nspname OPERATOR(pg_catalog.!~) '^pg_(toast|temp_|toast_temp_)'
             limit %d)
            """.formatted(MAX_RELATIONS + 1);

    private final Set<String> schemas;
    private final Set<String> usable;
    private final Map<String, Set<String>> relations;
    private final boolean complete;

    private RelationCatalog(
            Set<String> schemas, Set<String> usable, Map<String, Set<String>> relations, boolean complete) {
        this.schemas = schemas;
        this.usable = usable;
        this.relations = relations;
        this.complete = complete;
    }

    /** A catalog with nothing in it that knows it is not complete: every name is unknown. */
    public static RelationCatalog unknown() {
        return new RelationCatalog(Set.of(), Set.of(), Map.of(), false);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Whether the schema exists and the role may use it (look in it). */
    public boolean usable(String schema) {
        return usable.contains(schema);
    }

    /** Whether the schema exists, usable or not. */
    public boolean exists(String schema) {
        return schemas.contains(schema);
    }

    public boolean exists(String schema, String relation) {
        Set<String> names = relations.get(schema);
        return names != null && names.contains(relation);
    }

    /** False if the catalog was cut at {@link #MAX_RELATIONS} or could not be read. */
    public boolean complete() {
        return complete;
    }

    /** Collects {@link #QUERY}'s rows. */
    public static final class Builder {
        private final Set<String> schemas = new HashSet<>();
        private final Set<String> usable = new HashSet<>();
        private final Map<String, Set<String>> relations = new HashMap<>();
        private int count;

        private Builder() {}

        public Builder schema(String schema, boolean usable) {
            schemas.add(schema);
            if (usable) {
                this.usable.add(schema);
            }
            return this;
        }

        public Builder relation(String schema, String relation) {
            if (++count <= MAX_RELATIONS) {
                relations.computeIfAbsent(schema, s -> new HashSet<>()).add(relation);
            }
            return this;
        }

        public RelationCatalog build() {
            return new RelationCatalog(
                    Set.copyOf(schemas), Set.copyOf(usable), Map.copyOf(relations), count <= MAX_RELATIONS);
        }
    }
}
