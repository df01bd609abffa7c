package io.vigil.proxy.sql;

import io.vigil.proxy.protocol.backend.DataRow;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Names a session's relations as PostgreSQL resolves them when the statement runs: a qualified
 * name where it is, an unqualified one in the first schema of the session's search path that has
 * it (pg_catalog first unless the path places it, the session's temporary schema before that), a
 * relation a CREATE makes where the server will put it. Only what is known is claimed: a name
 * nothing settles is recorded as the statement wrote it, and one is marked {@link
 * RelationName#MISSING} only when the target said it does not exist or the session dropped it.
 *
 * <p>What it resolves against: the target's catalog as read at login (see {@link RelationCatalog}),
 * what the session itself created, renamed or dropped since, and the search path as the session's
 * own SET, SET LOCAL, RESET, set_config with constants, COMMIT and ROLLBACK leave it. At each point
 * where the session is idle outside a transaction, a {@link Lookup} asks the target itself, on the
 * agent's own connection, when the path may have changed in a way only the server knows or a
 * statement names a relation the above does not settle; it then asks about every unqualified name
 * of the statement, so what the session believed is checked, not trusted. Not thread-safe: one per
 * session, on its event loop.
 *
 * <p>Left to the server alone: a function of the agent's that calls set_config, or creates or
 * drops relations, within a transaction (found at the next lookup); a CREATE that rolls back (its
 * relation is believed to exist until a lookup says otherwise).
 */
public final class SessionRelations {

    /** Relations a lookup asks about at most; past that, what the session believes decides. */
    static final int MAX_LOOKUP_NAMES = 100;

    private static final int MAX_KNOWN = 10_000;

    /** Statements that make the relations they write. */
    private static final Set<String> CREATES = Set.of(
            "CreateStmt", "CreateTableAsStmt", "ViewStmt", "CreateSeqStmt", "CreateForeignTableStmt", "SelectStmt");

    /** Statements after which the relations they write are gone under that name. */
    private static final Set<String> REMOVES = Set.of("DropStmt", "RenameStmt", "AlterObjectSchemaStmt");

    private final String database;
    private final String role;
    private final RelationCatalog catalog;
    private final List<String> startNames;
    /** The search_path's names: in effect, as of the last commit, and set in this transaction. */
    private List<String> names;

    private List<String> committedNames;
    private List<String> sessionNames;
    private boolean inTransaction;
    /** The transaction is a multi-statement query's own, ending with it. */
    private boolean implicitTransaction;
    /** This transaction set the path or made or dropped relations: its end is checked with the server. */
    private boolean changedInTransaction;

    private List<String> path;
    private boolean tempExists;
    /** Relations this session made, or a lookup found, that the catalog as read may lack. */
    private final Map<String, Set<String>> known = new HashMap<>();
    /** Relations this session dropped or renamed away, rendered. */
    private final Set<String> dropped = new HashSet<>();
    /** The last lookup's answers, by name as written, until anything changes: rendered, or missing. */
    private final Map<String, String> answered = new HashMap<>();
    /** Whether the session is inside a transaction it began itself (BEGIN), as its statements say. */
    public boolean inExplicitTransaction() {
        return inTransaction && !implicitTransaction;
    }

    /** The search path may differ from what this object believes: unqualified names are not claimed. */
    private boolean uncertain;
    /** Ask the server at the next chance. */
    private boolean stale;
    /** Counts changes of what names resolve to, so a resolution may be reused while it stands. */
    private long version;
    /**
     * Resolutions and lookup decisions kept while nothing changes, by the identity of a shape's
     * name list (the analyzer's cache hands the same lists out for the same statement shape): a
     * repeated statement costs two map lookups, not its names parsed and resolved again.
     */
    private final Map<List<String>, Memo> memo = new IdentityHashMap<>();

    private static final int MEMO_KEPT = 256;

    private record Memo(long version, boolean creating, List<String> resolved, boolean settled) {}

    /**
     * @param database the database the session is connected to
     * @param role the role it runs as (what {@code $user} means)
     * @param catalog the target's catalog as that role saw it
     * @param setting the search_path setting at the session's start (see {@link SearchPath#split}),
     *     null if it could not be read: then unqualified names are not claimed until a lookup
     */
    public SessionRelations(String database, String role, RelationCatalog catalog, List<String> setting) {
        this.database = database;
        this.role = role;
        this.catalog = catalog;
        this.startNames = setting == null ? List.of() : List.copyOf(setting);
        this.uncertain = setting == null;
        this.stale = setting == null;
        setNames(startNames);
        this.committedNames = startNames;
        this.sessionNames = startNames;
    }

    /** The schemas an unqualified relation is looked for in, in order (as current_schemas(true)). */
    public List<String> path() {
        return path;
    }

    /** Changes whenever what a name resolves to may have changed. */
    public long version() {
        return version;
    }

    /** The path from these names; a path that differs from the last changes what names resolve to. */
    private void setNames(List<String> newNames) {
        List<String> newPath = SearchPath.effective(newNames, role, catalog, tempExists);
        if (path != null && !newPath.equals(path)) {
            changed();
        }
        names = newNames;
        path = newPath;
    }

    /**
     * A simple query of several statements runs them in one transaction of its own (unless one is
     * open): their SET LOCAL lasts until the query's end.
     */
    public void queryStarts(int statements) {
        functionsChangedBefore = functionsChanged;
        if (statements > 1 && !inTransaction) {
            inTransaction = true;
            implicitTransaction = true;
        }
    }

    /** The query's own transaction, if it had one, ends with it (a failure is the server's to tell). */
    public void queryEnds() {
        if (implicitTransaction && inTransaction) {
            apply(PathChange.of(PathChange.Kind.COMMIT));
        }
        implicitTransaction = false;
    }

    /**
     * The query just resolved statement by statement was refused as a whole: none of it ran, but
     * {@link #ran} took each for run. Its own transaction is rolled back, and what it may have
     * changed is asked of the target again before the next statement that depends on it.
     */
    public void refused() {
        functionsChanged = functionsChangedBefore;
        if (implicitTransaction && inTransaction) {
            apply(PathChange.of(PathChange.Kind.ROLLBACK));
        }
        implicitTransaction = false;
        apply(PathChange.UNKNOWN);
        stale = true;
        changed();
    }

    /** {@code shape} with its relations resolved as the target resolves them now. */
    public StatementShape resolve(StatementShape shape) {
        if (shape == null) {
            return null;
        }
        List<String> reads = resolveAll(shape.reads(), false);
        List<String> writes = resolveAll(shape.writes(), creates(shape));
        List<String> attributeCalls = attributeCalls(shape.columns().get("all"));
        List<String> operatorCalls = operatorCalls(shape.operators());
        if (!shape.functions().isEmpty()
                || !shape.defines().isEmpty()
                || !attributeCalls.isEmpty()
                || !operatorCalls.isEmpty()) {
            List<ResolvedCall> calls = new ArrayList<>();
            for (String called : shape.functions()) {
                calls.addAll(resolveCall(called));
            }
            for (String called : attributeCalls) {
                calls.addAll(resolveCall(called));
            }
            for (String called : operatorCalls) {
                calls.addAll(resolveCall(called));
            }
            Set<Trait> traits = java.util.EnumSet.noneOf(Trait.class);
            traits.addAll(shape.traits());
            traits.addAll(callTraits(calls));
            if (replacesUnowned(shape.defines())) {
                traits.add(Trait.REPLACES_UNOWNED_FUNCTION);
            }
            return shape.withResolution(reads, writes, traits, calls);
        }
        return reads.equals(shape.reads()) && writes.equals(shape.writes())
                ? shape
                : shape.withRelations(reads, writes);
    }

    /**
     * Functions called in attribute notation: {@code o.purge} and {@code (o).purge} call {@code
     * purge(o)} when {@code purge} is no column of {@code o}, which only the server knows. A
     * qualified column's last name counts as a call when a function of that name is on the path
     * that is not the server's own, or the session made one: judged as that function, a column of the
     * same name waits like a call would (the careful side).
     */
    private List<String> attributeCalls(List<String> columns) {
        List<String> calls = null;
        for (String column : columns) {
            int dot = column.lastIndexOf('.');
            if (dot < 0) {
                continue;
            }
            String name = column.substring(dot + 1);
            boolean userFunction = ownFunctionNames.contains(name);
            for (RelationCatalog.Function f : catalog.functions(name)) {
                userFunction |= !f.builtin() && (uncertain || path.contains(f.schema()));
            }
            if (userFunction) {
                if (calls == null) {
                    calls = new ArrayList<>(1);
                }
                calls.add(name);
            }
        }
        return calls == null ? List.of() : calls;
    }

    /**
     * The operators a statement uses that are not the server's own, as the functions that implement
     * them ({@code operator <~>}, {@code public.operator <~>}): using one calls its function. The
     * server's own symbols are not in the catalog's rows; a symbol a user also defined counts as all
     * its operators (its worst, as an overloaded function name does).
     */
    private List<String> operatorCalls(List<String> operators) {
        List<String> calls = null;
        for (String operator : operators) {
            int dot = operator.lastIndexOf('.');
            String name = RelationCatalog.OPERATOR + operator.substring(dot + 1);
            if (catalog.functions(name).isEmpty()) {
                continue;
            }
            if (calls == null) {
                calls = new ArrayList<>(1);
            }
            calls.add(dot < 0 ? name : operator.substring(0, dot) + "." + name);
        }
        return calls == null ? List.of() : calls;
    }

    /**
     * What its function calls add to a statement's traits: every function of the called name on
     * the path (or in the named schema) counts, and a name the catalog does not know counts as the
     * worst it could be.
     */
    private static Set<Trait> callTraits(List<ResolvedCall> calls) {
        boolean isVolatile = false;
        boolean definer = false;
        for (ResolvedCall call : calls) {
            isVolatile |= call.isVolatile() && !call.builtin();
            definer |= call.securityDefiner();
        }
        if (isVolatile && definer) {
            return UNKNOWN_CALL;
        }
        return isVolatile
                ? Set.of(Trait.CALLS_VOLATILE_FUNCTION)
                : definer ? Set.of(Trait.CALLS_SECURITY_DEFINER) : Set.of();
    }

    /** Functions this session made, as written: it owns them. */
    private final Set<String> ownFunctions = new HashSet<>();

    /**
     * The target says it made these functions (the statement completed): the session's role owns
     * them. Not at {@link #ran}: a CREATE FUNCTION of a name another role has fails, and must not
     * make that name the session's.
     */
    public void made(List<DefinedFunction> functions) {
        for (DefinedFunction function : functions) {
            ownFunctions.add(function.name());
            ownFunctionNames.add(function.name().substring(function.name().lastIndexOf('.') + 1));
        }
    }

    /** The names of {@link #ownFunctions} without their schemas. */
    private final Set<String> ownFunctionNames = new HashSet<>();

    /**
     * Whether a CREATE OR REPLACE may replace a function the session's role does not own: one of
     * that name in the named schema, or in any schema on the path (where an unqualified one may
     * land), owned by another role. Unless this session made the name itself, a name the catalog
     * does not settle counts: the catalog may be older than a function another role made since
     * (new functions are made with CREATE FUNCTION, which cannot replace one).
     */
    private boolean replacesUnowned(List<DefinedFunction> defined) {
        for (DefinedFunction function : defined) {
            if (!function.orReplace() || ownFunctions.contains(function.name())) {
                continue;
            }
            if (!catalog.functionsComplete() || functionsChanged) {
                return true;
            }
            int dot = function.name().lastIndexOf('.');
            String schema = dot < 0 ? null : function.name().substring(0, dot);
            if (schema != null && schema.indexOf('.') >= 0) {
                schema = schema.substring(schema.lastIndexOf('.') + 1);
            }
            boolean found = false;
            for (RelationCatalog.Function f : catalog.functions(function.name().substring(dot + 1))) {
                boolean there = schema != null
                        ? f.schema().equals(schema)
                        : uncertain || f.schema().equals("pg_catalog") || path.contains(f.schema());
                if (there && !f.owned()) {
                    return true;
                }
                found |= there;
            }
            if (!found) {
                return true;
            }
        }
        return false;
    }

    /** Statements after which the session's functions may differ from the catalog as read. */
    private static final Set<String> DEFINES_FUNCTIONS = Set.of(
            "CreateFunctionStmt",
            "AlterFunctionStmt",
            "RenameStmt",
            "AlterObjectSchemaStmt",
            "DefineStmt",
            "CreateCastStmt");

    /** The session made or changed a function: calls are no longer settled by the catalog. */
    private boolean functionsChanged;
    /** {@link #functionsChanged} as the current query found it, for a query refused as a whole. */
    private boolean functionsChangedBefore;

    private static final Set<Trait> UNKNOWN_CALL = Set.of(Trait.CALLS_VOLATILE_FUNCTION, Trait.CALLS_SECURITY_DEFINER);

    /** The functions a call may reach, as the session resolves it now. */
    private List<ResolvedCall> resolveCall(String called) {
        int dot = called.lastIndexOf('.');
        String name = called.substring(dot + 1);
        String schema = dot < 0 ? null : called.substring(0, dot);
        if (schema != null && schema.indexOf('.') >= 0) {
            schema = schema.substring(schema.lastIndexOf('.') + 1); // database.schema.function
        }
        // Made or changed since the catalog was read, or the catalog was cut short: not settled.
        if ((functionsChanged || !catalog.functionsComplete()) && !"pg_catalog".equals(schema)) {
            return List.of(ResolvedCall.unknown(called));
        }
        List<ResolvedCall> reached = new ArrayList<>(1);
        for (RelationCatalog.Function f : catalog.functions(name)) {
            boolean reachable = schema != null
                    ? f.schema().equals(schema)
                    : uncertain || f.schema().equals("pg_catalog") || path.contains(f.schema());
            if (reachable) {
                reached.add(ResolvedCall.of(called, f));
            }
        }
        return reached.isEmpty() ? List.of(ResolvedCall.unknown(called)) : reached;
    }

    /**
     * A resolved statement is running: its effects on what follows (the search path it sets, the
     * relations it creates or drops, the transaction it ends) apply from now.
     */
    public void ran(StatementShape resolved) {
        if (resolved == null) {
            return;
        }
        if (DEFINES_FUNCTIONS.contains(resolved.command()) && !functionsChanged) {
            // The catalog as read lacks it: from now on a call is judged as the worst it could be,
            // also a prepared statement's, resolved before (its resolution is kept by version).
            functionsChanged = true;
            version++;
        }
        boolean creates = creates(resolved);
        boolean removes = REMOVES.contains(resolved.command());
        if (creates || removes) {
            changed();
            // A rollback, or ON COMMIT DROP, may undo it: asked again once the transaction is over.
            changedInTransaction |= inTransaction;
        }
        for (String name : resolved.writes()) {
            List<String> parts = RelationName.parts(name);
            if (parts == null || parts.size() != 2) {
                continue; // as written: nothing settled to change
            }
            if (creates) {
                remember(parts.getFirst(), parts.get(1));
            } else if (removes) {
                forget(parts.getFirst(), parts.get(1));
            }
        }
        if (resolved.pathChange() != null) {
            apply(resolved.pathChange());
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
        Memo kept = memo.get(written);
        if (kept != null && kept.version() == version && kept.creating() == creating) {
            return kept.resolved();
        }
        List<String> resolved = new ArrayList<>(written.size());
        boolean settled = true;
        for (String name : written) {
            resolved.add(resolve(name, creating));
            settled &= !askable(name) || settled(name);
        }
        List<String> result = List.copyOf(resolved);
        keep(written, new Memo(version, creating, result, settled));
        return result;
    }

    private void keep(List<String> written, Memo m) {
        if (memo.size() >= MEMO_KEPT) {
            memo.clear();
        }
        memo.put(written, m);
    }

    /** Whether every name of the list that could be asked about is settled now, from the memo if kept. */
    private boolean allSettled(List<String> written) {
        if (written.isEmpty()) {
            return true;
        }
        Memo kept = memo.get(written);
        if (kept == null || kept.version() != version) {
            resolveAll(written, false);
            kept = memo.get(written);
        }
        return kept.settled();
    }

    /** One name: where it is, marked missing if that is known, else as written. */
    String resolve(String written, boolean creating) {
        List<String> parts = RelationName.parts(written);
        if (parts == null) {
            return written; // already marked
        }
        if (parts.size() == 3 && !parts.getFirst().equals(database)) {
            return missing(written); // another database: PostgreSQL refuses it
        }
        parts = parts.size() == 3 ? parts.subList(1, 3) : parts;
        String relation = parts.getLast();
        if (creating) {
            // CREATE puts an unqualified relation in the first schema it may, whatever exists later on.
            String schema = parts.size() == 2
                    ? SearchPath.canonicalSchema(parts.getFirst())
                    : uncertain ? null : SearchPath.creationSchema(names, role, catalog);
            return schema == null ? written : RelationName.render(schema, relation);
        }
        String answer = answered.get(written);
        if (answer != null) {
            return answer;
        }
        if (parts.size() == 2) {
            String schema = SearchPath.canonicalSchema(parts.getFirst());
            if (exists(schema, relation)) {
                return RelationName.render(schema, relation);
            }
            return dropped.contains(RelationName.render(schema, relation)) ? missing(written) : written;
        }
        if (uncertain) {
            return written;
        }
        String found = onPath(relation);
        return found != null ? found : written;
    }

    private String onPath(String relation) {
        for (String schema : path) {
            if (exists(schema, relation)) {
                return RelationName.render(schema, relation);
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

    /**
     * Every change is checked with the server at the next chance, except a transaction's bounds:
     * those only when the transaction changed something (most transactions cost no lookup).
     */
    private void apply(PathChange change) {
        boolean changes =
                switch (change.kind()) {
                    case BEGIN -> false;
                    case COMMIT, ROLLBACK -> changedInTransaction;
                    default -> true;
                };
        if (changes) {
            stale = true;
            changed();
        }
        boolean wasInTransaction = inTransaction;
        changedInTransaction |= inTransaction;
        switch (change.kind()) {
            case SET -> set(change.names(), change.local());
            case RESET -> set(startNames, change.local());
            case BEGIN -> {
                // A BEGIN inside a transaction only draws a warning: what the transaction changed stands.
                if (!wasInTransaction) {
                    changedInTransaction = false;
                }
                inTransaction = true;
                implicitTransaction = false;
            }
            case COMMIT -> {
                endTransaction();
                committedNames = sessionNames;
                setNames(sessionNames);
            }
            case ROLLBACK -> {
                endTransaction();
                sessionNames = committedNames;
                setNames(committedNames);
            }
            case DISCARD_TEMP -> dropTemporary();
            case DISCARD_ALL -> {
                dropTemporary();
                endTransaction();
                committedNames = startNames;
                sessionNames = startNames;
                setNames(startNames);
            }
            case UNKNOWN -> uncertain = true;
        }
    }

    private void endTransaction() {
        inTransaction = false;
        implicitTransaction = false;
        changedInTransaction = false;
    }

    /** SET LOCAL lasts until the transaction ends (outside one it does nothing); SET until undone. */
    private void set(List<String> newNames, boolean local) {
        if (local) {
            if (inTransaction) {
                setNames(newNames);
            }
            return;
        }
        sessionNames = newNames;
        if (!inTransaction) {
            committedNames = newNames;
        }
        setNames(newNames);
    }

    private void dropTemporary() {
        known.remove(SearchPath.TEMP);
        tempExists = false;
        setNames(names);
    }

    private void remember(String schema, String relation) {
        if (known.values().stream().mapToInt(Set::size).sum() >= MAX_KNOWN) {
            known.clear();
        }
        known.computeIfAbsent(schema, s -> new HashSet<>()).add(relation);
        dropped.remove(RelationName.render(schema, relation));
        if (schema.equals(SearchPath.TEMP) && !tempExists) {
            tempExists = true;
            setNames(names);
        }
    }

    private void forget(String schema, String relation) {
        Set<String> made = known.get(schema);
        if (made != null) {
            made.remove(relation);
        }
        if (dropped.size() < MAX_KNOWN) {
            dropped.add(RelationName.render(schema, relation));
        }
    }

    /** Anything that may change what a name resolves to: earlier answers no longer stand. */
    private void changed() {
        answered.clear();
        version++;
    }

    /**
     * What to ask the target before these statements are recorded, null if nothing: the search
     * path when it may have changed, and where their relations are when any is not settled (then
     * every unqualified one, so what the session believes is checked too). Only for a session idle
     * outside a transaction, at a point where a query of the gateway's own may go (see the caller).
     */
    public Lookup lookup(List<StatementShape> shapes) {
        if (!stale && shapes.stream().allMatch(s -> allSettled(s.reads()) && allSettled(s.writes()))) {
            return null; // the usual case: a statement whose relations are all known
        }
        Set<String> created = new HashSet<>();
        for (StatementShape shape : shapes) {
            if (creates(shape)) {
                created.addAll(shape.writes());
            }
        }
        boolean unsettled = false;
        Set<String> askable = new LinkedHashSet<>();
        for (StatementShape shape : shapes) {
            for (List<String> written : List.of(shape.reads(), shape.writes())) {
                for (String name : written) {
                    if (created.contains(name)) {
                        continue;
                    }
                    if (askable(name)) {
                        unsettled |= !settled(name);
                        if (askable.size() < MAX_LOOKUP_NAMES) {
                            askable.add(name);
                        }
                    }
                }
            }
        }
        return stale || unsettled ? new Lookup(List.copyOf(askable)) : null;
    }

    /** Whether what {@link #resolve} says of the name is known, not just the name as written. */
    private boolean settled(String written) {
        List<String> parts = RelationName.parts(written);
        if (parts == null || parts.size() == 3 && !parts.getFirst().equals(database) || answered.containsKey(written)) {
            return true;
        }
        parts = parts.size() == 3 ? parts.subList(1, 3) : parts;
        if (parts.size() == 2) {
            String schema = SearchPath.canonicalSchema(parts.getFirst());
            return exists(schema, parts.get(1)) || dropped.contains(RelationName.render(schema, parts.get(1)));
        }
        return !uncertain && onPath(parts.getFirst()) != null;
    }

    /**
     * A name the server can be asked about without an error: unqualified, or in a schema the role
     * may use (to_regclass raises one for another database's and for a schema the role may not use,
     * and one error would lose the whole answer).
     */
    private boolean askable(String name) {
        List<String> parts = RelationName.parts(name);
        if (parts == null || parts.size() == 3 && !parts.getFirst().equals(database)) {
            return false;
        }
        if (parts.size() == 1) {
            return true;
        }
        String schema = SearchPath.canonicalSchema(parts.get(parts.size() - 2));
        return schema.equals(SearchPath.TEMP) || catalog.usable(schema);
    }

    /** The session's view, read from the target on its own connection. */
    public final class Lookup {
        private final List<String> asked;
        private final TreeMap<Long, String> answeredPath = new TreeMap<>();
        private final Map<Integer, String> found = new HashMap<>();
        private String setting;

        private Lookup(List<String> asked) {
            this.asked = asked;
        }

        /**
         * Two statements, so the first's answer stands if the second fails: rows of (1, position,
         * schema) for the path and (2, 0, setting); then (3, position, schema, relation) for each
         * name found. Every name schema-qualified, every operator spelled out: it runs under the
         * agent's search path.
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
                    select 2, 0, pg_catalog.current_setting('search_path'), null;
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
                case "3" ->
                    found.put(
                            (int) position,
                            RelationName.render(SearchPath.canonicalSchema(row.column(2)), row.column(3)));
                default -> throw new IllegalArgumentException("unexpected row of the relation lookup: " + kind);
            }
        }

        /**
         * The answer is in: the session's view replaces what was believed.
         *
         * @param namesAnswered whether the names' statement answered without an error (if not,
         *     only the path is taken)
         */
        public void answered(boolean namesAnswered) {
            if (answeredPath.isEmpty() || setting == null) {
                return; // no answer: keep believing what was believed, and ask again next time
            }
            changed();
            List<String> split = SearchPath.split(setting);
            tempExists = answeredPath.containsValue(SearchPath.TEMP);
            if (split != null) {
                committedNames = split;
                sessionNames = split;
                names = split;
            }
            path = List.copyOf(answeredPath.values());
            endTransaction();
            uncertain = split == null;
            stale = false;
            if (!namesAnswered) {
                return;
            }
            for (int i = 0; i < asked.size(); i++) {
                String name = asked.get(i);
                String where = found.get(i + 1);
                answered.put(name, where != null ? where : missing(name));
                if (where != null) {
                    List<String> parts = RelationName.parts(where);
                    remember(parts.getFirst(), parts.get(1));
                }
            }
        }

        List<String> asked() {
            return asked;
        }
    }
}
