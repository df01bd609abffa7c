package io.vigil.proxy.sql;

import io.vigil.proxy.protocol.backend.DataRow;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Names a session's relations as PostgreSQL resolves them when the statement runs: a qualified
 * name where it is, an unqualified one in the first schema of the session's search path that has
 * it (pg_catalog first unless the path places it, the session's temporary schema before that), a
 * relation a CREATE makes where the server will put it. A relation that does not exist is written
 * as the statement named it, marked {@link RelationName#MISSING}.
 *
 * <p>What it resolves against: the target's catalog as read at login (see {@link RelationCatalog}),
 * what the session itself created or dropped since, and the search path as the session's own SET,
 * RESET and set_config statements with constant values leave it. That is exact within a statement
 * batch; at the next point where the session is idle outside a transaction, a {@link Lookup} asks
 * the target itself whenever the path may have changed in a way only the server knows (a
 * procedure, a computed value, a rollback of a SET) or a statement names a relation the catalog
 * as read lacks (made by another session since). The caller runs it on the agent's own connection,
 * so the answer is the session's view: its search path, its temporary tables. Not thread-safe: one
 * per session, on its event loop.
 */
public final class SessionRelations {

    /** Relations a lookup asks about at most; past that, the catalog as read decides. */
    static final int MAX_LOOKUP_NAMES = 100;

    private static final int MAX_KNOWN = 10_000;

    /** Statements that make the relations they write. */
    private static final Set<String> CREATES = Set.of(
            "CreateStmt", "CreateTableAsStmt", "ViewStmt", "CreateSeqStmt", "CreateForeignTableStmt", "SelectStmt");

    private final String database;
    private final String role;
    private final RelationCatalog catalog;
    private final List<String> startNames;
    private List<String> names;
    private List<String> path;
    private boolean tempExists;
    /** Relations this session made, or a lookup found, that the catalog as read may lack. */
    private final Map<String, Set<String>> known = new HashMap<>();
    /** Relations this session dropped, rendered. */
    private final Set<String> dropped = new HashSet<>();
    /** The search path may differ from what this object believes: ask the server at the next chance. */
    private boolean stale;

    /**
     * @param database the database the session is connected to
     * @param role the role it runs as (what {@code $user} means)
     * @param catalog the target's catalog as that role saw it
     * @param setting the search_path setting at the session's start (see {@link SearchPath#split})
     */
    public SessionRelations(String database, String role, RelationCatalog catalog, List<String> setting) {
        this.database = database;
        this.role = role;
        this.catalog = catalog;
        this.startNames = List.copyOf(setting);
        this.names = startNames;
        this.path = SearchPath.effective(names, role, catalog, false);
    }

    /** The schemas an unqualified relation is looked for in, in order (as current_schemas(true)). */
    public List<String> path() {
        return path;
    }

    /**
     * {@code shape} with its relations resolved as PostgreSQL would when it analyses the statement:
     * for a simple query, just before the statement runs; for the extended protocol, at Parse.
     */
    public StatementShape resolve(StatementShape shape) {
        if (shape == null) {
            return null;
        }
        List<String> reads = resolveAll(shape.reads(), false);
        List<String> writes = resolveAll(shape.writes(), creates(shape));
        return reads.equals(shape.reads()) && writes.equals(shape.writes())
                ? shape
                : shape.withRelations(reads, writes);
    }

    /**
     * A resolved statement is running: its effects on what follows (the search path it sets, the
     * relations it creates or drops) apply from now.
     */
    public void ran(StatementShape resolved) {
        if (resolved != null) {
            apply(resolved, creates(resolved), resolved.writes());
        }
    }

    private static boolean creates(StatementShape shape) {
        return CREATES.contains(shape.command())
                && (!shape.command().equals("SelectStmt") || shape.kind() == StatementKind.DDL);
    }

    private List<String> resolveAll(List<String> written, boolean creating) {
        if (written.isEmpty()) {
            return written;
        }
        List<String> resolved = new ArrayList<>(written.size());
        for (String name : written) {
            resolved.add(resolve(name, creating));
        }
        return resolved;
    }

    /** One name: resolved, or marked missing, or as written if the catalog cannot tell. */
    String resolve(String written, boolean creating) {
        List<String> parts = local(RelationName.parts(written));
        if (parts == null) {
            return RelationName.missing(written) ? written : missing(written); // another database
        }
        String found = found(parts);
        if (found != null) {
            return found;
        }
        if (creating) {
            String schema = parts.size() == 2
                    ? SearchPath.canonicalSchema(parts.getFirst())
                    : SearchPath.creationSchema(names, role, catalog);
            if (schema != null) {
                return RelationName.render(schema, parts.getLast());
            }
        }
        return catalog.complete() ? missing(written) : written;
    }

    /**
     * A name's parts without the database, null if it is marked missing already or names another
     * database (PostgreSQL refuses that).
     */
    private List<String> local(List<String> parts) {
        if (parts == null || parts.size() == 3 && !parts.getFirst().equals(database)) {
            return null;
        }
        return parts.size() == 3 ? parts.subList(1, 3) : parts;
    }

    /** Where the relation is, rendered; null if neither the catalog nor the session knows it. */
    private String found(List<String> parts) {
        if (parts.size() == 2) {
            String schema = SearchPath.canonicalSchema(parts.getFirst());
            return exists(schema, parts.get(1)) ? RelationName.render(schema, parts.get(1)) : null;
        }
        for (String schema : path) {
            if (exists(schema, parts.getFirst())) {
                return RelationName.render(schema, parts.getFirst());
            }
        }
        return null;
    }

    private static String missing(String written) {
        return RelationName.MISSING + written;
    }

    private boolean exists(String schema, String relation) {
        Set<String> made = known.get(schema);
        if (made != null && made.contains(relation)) {
            return true;
        }
        return !schema.equals(SearchPath.TEMP)
                && catalog.exists(schema, relation)
                && !dropped.contains(RelationName.render(schema, relation));
    }

    private void apply(StatementShape shape, boolean creates, List<String> writes) {
        if (creates) {
            for (String name : writes) {
                List<String> parts = RelationName.parts(name);
                if (parts != null && parts.size() == 2) {
                    remember(parts.getFirst(), parts.get(1));
                }
            }
        } else if (shape.command().equals("DropStmt")) {
            for (String name : writes) {
                List<String> parts = RelationName.parts(name);
                if (parts != null && parts.size() == 2) {
                    Set<String> made = known.get(parts.getFirst());
                    if (made != null) {
                        made.remove(parts.get(1));
                    }
                    dropped.add(name);
                }
            }
        }
        PathChange change = shape.pathChange();
        if (change != null) {
            stale = true;
            switch (change.kind()) {
                case SET -> names = change.names();
                case RESET -> names = startNames;
                case UNKNOWN -> {}
            }
            path = SearchPath.effective(names, role, catalog, tempExists);
        }
    }

    private void remember(String schema, String relation) {
        if (known.values().stream().mapToInt(Set::size).sum() >= MAX_KNOWN) {
            known.clear();
        }
        known.computeIfAbsent(schema, s -> new HashSet<>()).add(relation);
        dropped.remove(RelationName.render(schema, relation));
        if (schema.equals(SearchPath.TEMP) && !tempExists) {
            tempExists = true;
            path = SearchPath.effective(names, role, catalog, true);
        }
    }

    /**
     * What to ask the target before these statements are recorded, null if nothing: the search
     * path when it may have changed, and where the relations they name that the catalog as read
     * lacks are. Only for a session idle outside a transaction: the query runs on the agent's
     * connection, and in a transaction an error of its own would abort the agent's.
     */
    public Lookup lookup(List<StatementShape> shapes) {
        Set<String> created = new HashSet<>();
        Set<String> unresolved = new LinkedHashSet<>();
        for (StatementShape shape : shapes) {
            if (creates(shape)) {
                created.addAll(shape.writes());
            }
        }
        for (StatementShape shape : shapes) {
            for (List<String> names : List.of(shape.reads(), shape.writes())) {
                for (String name : names) {
                    if (!created.contains(name) && unresolved.size() < MAX_LOOKUP_NAMES && askable(name)) {
                        unresolved.add(name);
                    }
                }
            }
        }
        return stale || !unresolved.isEmpty() ? new Lookup(List.copyOf(unresolved)) : null;
    }

    /**
     * A name neither the catalog as read nor the session resolves, that the server can be asked
     * about safely: to_regclass raises an error for another database's, or one in a schema the
     * role may not use.
     */
    private boolean askable(String name) {
        List<String> parts = local(RelationName.parts(name));
        if (parts == null || found(parts) != null) {
            return false;
        }
        String schema = parts.size() == 2 ? SearchPath.canonicalSchema(parts.getFirst()) : null;
        return schema == null || schema.equals(SearchPath.TEMP) || !catalog.exists(schema) || catalog.usable(schema);
    }

    /** The session's view, read from the target on its own connection. */
    public final class Lookup {
        private final List<String> asked;
        private final TreeMap<Long, String> answeredPath = new TreeMap<>();
        private final Map<Integer, String[]> found = new HashMap<>();
        private String setting;

        private Lookup(List<String> asked) {
            this.asked = asked;
        }

        /**
         * Rows of (1, position, schema) for the path, (2, 0, setting), (3, position, schema,
         * relation) for each name found. Every name schema-qualified, every operator spelled out:
         * it runs under the agent's search path.
         */
        public String query() {
            StringBuilder array = new StringBuilder("array[");
            for (int i = 0; i < asked.size(); i++) {
                array.append(i == 0 ? "" : ", ")
                        .append('\'')
                        .append(asked.get(i).replace("'", "''"))
                        .append('\'');
            }
            array.append("]::pg_catalog.text[]");
            return """
                    select 1, p.o, p.s::pg_catalog.text, null::pg_catalog.text
                      from pg_catalog.unnest(pg_catalog.current_schemas(true)) with ordinality as p(s, o)
                    union all
                    select 2, 0, pg_catalog.current_setting('search_path'), null
                    union all
                    select 3, u.o, n.nspname::pg_catalog.text, c.relname::pg_catalog.text
                      from pg_catalog.unnest(%s) with ordinality as u(name, o)
                      join pg_catalog.pg_class c on c.oid OPERATOR(pg_catalog.=) pg_catalog.to_regclass(u.name)
                      join pg_catalog.pg_namespace n on n.oid OPERATOR(pg_catalog.=) c.relnamespace
                    """.formatted(array);
        }

        public void row(DataRow row) {
            String kind = row.column(0);
            long position = Long.parseLong(row.column(1));
            switch (kind) {
                case "1" -> answeredPath.put(position, SearchPath.canonicalSchema(row.column(2)));
                case "2" -> setting = row.column(2);
                case "3" -> found.put((int) position, new String[] {row.column(2), row.column(3)});
                default -> throw new IllegalArgumentException("unexpected row of the relation lookup: " + kind);
            }
        }

        /** The answer is complete: the session's view replaces what was believed. */
        public void answered() {
            if (answeredPath.isEmpty()) {
                return; // no answer (an error): keep believing what was believed
            }
            path = List.copyOf(answeredPath.values());
            tempExists = path.contains(SearchPath.TEMP);
            List<String> split = setting == null ? null : SearchPath.split(setting);
            if (split != null) {
                names = split;
            }
            found.entrySet().stream()
                    .sorted(Comparator.comparingInt(Map.Entry::getKey))
                    .forEach(e -> remember(SearchPath.canonicalSchema(e.getValue()[0]), e.getValue()[1]));
            stale = false;
        }

        List<String> asked() {
            return asked;
        }
    }
}
