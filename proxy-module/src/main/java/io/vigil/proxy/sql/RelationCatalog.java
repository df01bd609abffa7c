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

    public static final int MAX_FUNCTIONS = 100_000;

    /**
     * Rows of (schema, function, volatility, SECURITY DEFINER, language, owned by the role itself):
     * every function, pg_catalog's too (a name the catalog lacks is judged as the worst it could
     * be). Six columns: the login tells its rows from {@link #QUERY}'s three by that. Operators not
     * the server's own come as rows named {@link #OPERATOR} and the symbol, in the operator's schema,
     * with the function that implements them: using one is calling it.
     */
    public static final String FUNCTION_QUERY = """
            select * from (
            select n.nspname, p.proname, p.provolatile, p.prosecdef, l.lanname,
                   p.proowner OPERATOR(pg_catalog.=) (select r.oid from pg_catalog.pg_roles r
                                                       where r.rolname OPERATOR(pg_catalog.=) current_user)
              from pg_catalog.pg_proc p
              join pg_catalog.pg_namespace n on n.oid OPERATOR(pg_catalog.=) p.pronamespace
              join pg_catalog.pg_language l on l.oid OPERATOR(pg_catalog.=) p.prolang
             where n.nspname OPERATOR(pg_catalog.!~) '^pg_(toast|temp_|toast_temp_)'
            union all
            select n.nspname, 'operator ' OPERATOR(pg_catalog.||) o.oprname, p.provolatile, p.prosecdef, l.lanname,
                   p.proowner OPERATOR(pg_catalog.=) (select r.oid from pg_catalog.pg_roles r
                                                       where r.rolname OPERATOR(pg_catalog.=) current_user)
              from pg_catalog.pg_operator o
              join pg_catalog.pg_namespace n on n.oid OPERATOR(pg_catalog.=) o.oprnamespace
              join pg_catalog.pg_proc p on p.oid OPERATOR(pg_catalog.=) o.oprcode
              join pg_catalog.pg_language l on l.oid OPERATOR(pg_catalog.=) p.prolang
             where n.nspname OPERATOR(pg_catalog.<>) 'pg_catalog'
            ) f
             limit %d
            """.formatted(MAX_FUNCTIONS + 1);

    /** How an operator is named among the functions: {@code operator <~>}. */
    public static final String OPERATOR = "operator ";

    /**
     * A function as the catalog has it.
     *
     * @param isVolatile whether it is VOLATILE (it may change anything, whatever it is called from)
     * @param owned whether the session's role itself owns it
     */
    public record Function(String schema, boolean isVolatile, boolean securityDefiner, String language, boolean owned) {

        /** Part of the server: pg_catalog's and information_schema's. */
        public boolean builtin() {
            return schema.equals("pg_catalog") || schema.equals("information_schema");
        }
    }

    private final Set<String> schemas;
    private final Set<String> usable;
    private final Map<String, Set<String>> relations;
    private final Map<String, java.util.List<Function>> functions;
    private final boolean complete;
    private final boolean functionsComplete;

    private RelationCatalog(
            Set<String> schemas,
            Set<String> usable,
            Map<String, Set<String>> relations,
            boolean complete,
            Map<String, java.util.List<Function>> functions,
            boolean functionsComplete) {
        this.schemas = schemas;
        this.usable = usable;
        this.relations = relations;
        this.complete = complete;
        this.functions = functions;
        this.functionsComplete = functionsComplete;
    }

    /** A catalog with nothing in it that knows it is not complete: every name is unknown. */
    public static RelationCatalog unknown() {
        return new RelationCatalog(Set.of(), Set.of(), Map.of(), false, Map.of(), false);
    }

    /** Every function of that name, in any schema; empty if the catalog knows none. */
    public java.util.List<Function> functions(String name) {
        return functions.getOrDefault(name, java.util.List.of());
    }

    /** False if the functions were cut at {@link #MAX_FUNCTIONS} or not read. */
    public boolean functionsComplete() {
        return functionsComplete;
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
        private final Map<String, java.util.List<Function>> functions = new HashMap<>();
        private int count;
        private int functionCount;
        private boolean functionsRead;

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

        /** One row of {@link #FUNCTION_QUERY}. */
        public Builder function(
                String schema,
                String name,
                boolean isVolatile,
                boolean securityDefiner,
                String language,
                boolean owned) {
            functionsRead = true;
            if (++functionCount <= MAX_FUNCTIONS) {
                functions
                        .computeIfAbsent(name, n -> new java.util.ArrayList<>(1))
                        .add(new Function(schema, isVolatile, securityDefiner, language, owned));
            }
            return this;
        }

        public RelationCatalog build() {
            Map<String, java.util.List<Function>> byName = new HashMap<>();
            functions.forEach((name, list) -> byName.put(name, java.util.List.copyOf(list)));
            return new RelationCatalog(
                    Set.copyOf(schemas),
                    Set.copyOf(usable),
                    Map.copyOf(relations),
                    count <= MAX_RELATIONS,
                    Map.copyOf(byName),
                    functionsRead && functionCount <= MAX_FUNCTIONS);
        }
    }
}
