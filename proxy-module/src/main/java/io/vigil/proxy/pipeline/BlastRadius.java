package io.vigil.proxy.pipeline;

import io.vigil.proxy.approval.ApprovalDesk;
import io.vigil.proxy.protocol.backend.DataRow;
import io.vigil.proxy.protocol.frontend.Bind;
import io.vigil.proxy.session.OwnQuery;
import io.vigil.proxy.session.Session;
import io.vigil.proxy.sql.RelationName;
import io.vigil.proxy.sql.StatementShape;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Measures what a held statement would do, for the person deciding on it: its plan as the agent's
 * role, with its values, and for an UPDATE or DELETE the rule lets Vigil count, the exact rows it
 * would change. On the session's own target connection while the statement waits: the target owes
 * the client nothing and no transaction is open, so the statement meets exactly the session state
 * it would run in (role, search_path, settings), and the client, paused, sends nothing meanwhile.
 *
 * <pre>
 *   Vigil                                                      target (the agent's session)
 *     |--- select: volatile functions? triggers or rules on what it writes? ---->|  (count only)
 *     |--- begin; set local statement_timeout, lock_timeout [; prepare m as s] ->|
 *     |--- explain s (or: explain execute m(values)) --------------------------->|  plan, estimate
 *     |--- s (or: execute m(values))   [only to count: UPDATE n / DELETE n] ---->|  exact rows
 *     |--- rollback [; deallocate m] ------------------------------------------->|  always
 * </pre>
 *
 * Each step is an {@link OwnQuery}; none of their answers reaches the client. The count runs the
 * statement for real and undoes it: it is skipped for a statement calling a volatile function
 * (sequences, clocks, anything with side effects outside the transaction) or writing a table with
 * triggers or rules, and the rule must allow it.
 */
final class BlastRadius {

    static final String STATEMENT_TIMEOUT = "2s";
    static final String LOCK_TIMEOUT = "500ms";
    /** The most of a plan kept for the approver. */
    static final int MAX_PLAN_CHARS = 16 << 10;

    private static final Set<String> EXPLAINABLE =
            Set.of("SelectStmt", "InsertStmt", "UpdateStmt", "DeleteStmt", "MergeStmt");
    private static final Set<String> COUNTABLE = Set.of("UpdateStmt", "DeleteStmt");
    private static final Pattern ROWS = Pattern.compile("rows=(\\d+)");
    private static final Pattern DEFAULT = Pattern.compile("(?i)\\bdefault\\b");

    private final Session session;
    private final String sql;
    private final List<String> values;
    private final boolean count;
    private final StatementShape shape;
    private final Consumer<ApprovalDesk.Measure> done;
    private final java.util.function.BooleanSupplier beforeCount;
    /** Unguessable: never the name of one of the client's own prepared statements. */
    private final String prepared =
            "vigil_blast_radius_" + java.util.UUID.randomUUID().toString().replace("-", "");

    private final StringBuilder plan = new StringBuilder();
    private boolean planCut;
    private Long estimated;
    private Long exact;
    private final List<String> notes = new ArrayList<>();

    private BlastRadius(
            Session session,
            String sql,
            List<String> values,
            boolean count,
            StatementShape shape,
            java.util.function.BooleanSupplier beforeCount,
            Consumer<ApprovalDesk.Measure> done) {
        this.beforeCount = beforeCount;
        this.session = session;
        this.sql = sql;
        this.values = values;
        this.count = count;
        this.shape = shape;
        this.done = done;
    }

    /**
     * Why {@code shapes} with {@code values} cannot be measured, null if it can: one statement that
     * EXPLAIN takes, with values Vigil has as sent.
     */
    static String unmeasurable(List<StatementShape> shapes, List<String> values) {
        if (shapes.size() != 1) {
            return "not measured: it is " + shapes.size() + " statements";
        }
        if (!EXPLAINABLE.contains(shapes.getFirst().command())) {
            return "not measured: PostgreSQL cannot EXPLAIN this kind of statement";
        }
        if (values != null && values.stream().anyMatch(v -> v != null && (v.startsWith("\\x") || Bind.cut(v)))) {
            return "not measured: its values were sent in binary or are too long to quote";
        }
        return null;
    }

    /**
     * Starts measuring; {@code done} gets the figures once the session is back as it was. Call
     * only when {@link #unmeasurable} says it can be, with nothing in flight on the session.
     *
     * @param countAllowed whether the rule lets Vigil count the rows it would change
     */
    static void measure(
            Session session,
            String sql,
            List<String> values,
            StatementShape shape,
            boolean countAllowed,
            java.util.function.BooleanSupplier beforeCount,
            Consumer<ApprovalDesk.Measure> done) {
        boolean count = countAllowed && COUNTABLE.contains(shape.command());
        BlastRadius radius = new BlastRadius(session, sql, values, count, shape, beforeCount, done);
        if (!countAllowed && COUNTABLE.contains(shape.command())) {
            radius.notes.add("rows it would change not counted: the rule does not allow it");
        }
        radius.start();
    }

    private void start() {
        boolean setsDefault = count && DEFAULT.matcher(sql).find();
        if (setsDefault) {
            // SET x = DEFAULT may call a column default's function (nextval) that a rollback does not undo.
            notes.add("rows it would change not counted: it sets a column to its default, which may draw from a"
                    + " sequence");
        }
        if (count && !setsDefault) {
            session.ask(new OwnQuery(sideEffectsQuery(), this::sideEffects, this::sideEffectsAnswered), this::begin);
        } else {
            begin();
        }
    }

    /** Whether running it is known to do nothing a rollback does not undo: only once the check said so. */
    private boolean countable;

    private void sideEffects(DataRow row) {
        countable = "f".equals(row.column(0));
        if (!countable) {
            notes.add("rows it would change not counted: it calls a volatile function or operator, or writes a view, a"
                    + " partitioned or inherited table, a table with triggers or rules, or one other tables reference"
                    + " with cascading actions, so running it could do what a rollback does not undo");
        }
    }

    private void sideEffectsAnswered(boolean ok) {
        if (!ok) {
            countable = false;
            notes.add("rows it would change not counted: Vigil could not check what running it would touch");
        }
    }

    private void begin() {
        String begin = "begin; set local statement_timeout = '" + STATEMENT_TIMEOUT + "'; set local lock_timeout = '"
                + LOCK_TIMEOUT + "'";
        if (values != null) {
            begin += "; prepare " + prepared + " as " + sql + "\n";
        }
        session.ask(new OwnQuery(begin, null, ok -> {}), this::explain);
    }

    private void explain() {
        session.ask(
                new OwnQuery(
                        "explain " + statement(),
                        this::planLine,
                        ok -> {},
                        tag -> {},
                        (state, message) -> notes.add("not planned: " + message)),
                count && countable ? this::countIfRecorded : this::rollBack);
    }

    private void planLine(DataRow row) {
        String line = row.column(0);
        if (line == null || planCut) {
            return;
        }
        if (estimated == null) {
            estimated = estimate(line);
        }
        if (plan.length() + line.length() + 1 > MAX_PLAN_CHARS) {
            planCut = true;
            plan.append("...");
            return;
        }
        plan.append(line).append('\n');
    }

    /**
     * The planner's rows of a plan line, unless it is the line of the write itself (an UPDATE's
     * plan says rows=0 there since PostgreSQL 14: the estimate is on the scan under it).
     */
    static Long estimate(String line) {
        String node = line.strip();
        if (node.startsWith("->")) {
            node = node.substring(2).strip();
        }
        if (node.startsWith("Update on")
                || node.startsWith("Delete on")
                || node.startsWith("Insert on")
                || node.startsWith("Merge on")) {
            return null;
        }
        Matcher rows = ROWS.matcher(node);
        return rows.find() ? Long.parseLong(rows.group(1)) : null;
    }

    /** The statement runs for real only once the trail says Vigil is about to run it. */
    private void countIfRecorded() {
        if (beforeCount.getAsBoolean()) {
            count();
        } else {
            notes.add("rows it would change not counted: Vigil's trail could not take a record of running it");
            rollBack();
        }
    }

    private void count() {
        session.ask(
                new OwnQuery(
                        statement(),
                        null,
                        ok -> {},
                        this::counted,
                        (state, message) -> notes.add("rows it would change not counted: " + message)),
                this::rollBack);
    }

    private void counted(String tag) {
        // UPDATE n, DELETE n: the last word is the count.
        String[] words = tag.split(" ");
        try {
            exact = Long.parseLong(words[words.length - 1]);
        } catch (NumberFormatException e) {
            notes.add("rows it would change not counted: the target answered " + tag);
        }
    }

    private void rollBack() {
        String rollback = values == null ? "rollback" : "rollback; deallocate " + prepared;
        session.ask(new OwnQuery(rollback, null, ok -> {}), this::finish);
    }

    private void finish() {
        done.accept(new ApprovalDesk.Measure(
                plan.isEmpty() ? null : plan.toString(), estimated, exact, String.join("; ", notes)));
    }

    /** The statement as sent, or the prepared one run with its values as quoted literals. */
    private String statement() {
        if (values == null) {
            return sql + "\n";
        }
        List<String> literals = values.stream()
                .map(v -> v == null ? "NULL" : "'" + v.replace("'", "''") + "'")
                .toList();
        return "execute " + prepared + (literals.isEmpty() ? "" : "(" + String.join(", ", literals) + ")");
    }

    /**
     * One row, t if running the statement could do what a rollback does not undo, or reach further
     * than the relations it names: it calls a volatile function or operator, or writes a view, a partitioned,
     * foreign or inherited table, a table with triggers or rules, or one other tables reference with
     * cascading actions. Names go in as literals, resolved by the target under the agent's path.
     */
    private String sideEffectsQuery() {
        String functions = String.join(
                ", ",
                shape.functions().stream()
                        .map(f -> {
                            List<String> parts = RelationName.parts(f);
                            return literal((parts == null ? f : parts.getLast()).toLowerCase(java.util.Locale.ROOT));
                        })
                        .toList());
        String written = "array["
                + String.join(
                        ", ",
                        shape.writes().stream()
                                .map(w -> "pg_catalog.to_regclass(" + literal(w) + ")::oid")
                                .toList())
                + "]::oid[]";
        String operators = String.join(
                ", ",
                shape.operators().stream()
                        .map(o -> literal(o.substring(o.lastIndexOf('.') + 1)))
                        .toList());
        return "select " + (shape.writes().isEmpty() ? "true" : "false")
                + " or exists (select 1 from pg_catalog.pg_operator o join pg_catalog.pg_proc p on p.oid = o.oprcode"
                + " where p.provolatile = 'v' and o.oprname = any (array[" + operators + "]::text[]))"
                + " or exists (select 1 from pg_catalog.pg_proc where provolatile = 'v' and lower(proname) = any (array["
                + functions + "]::text[]))"
                + " or exists (select 1 from pg_catalog.pg_trigger where not tgisinternal and tgrelid = any (" + written
                + "))"
                + " or exists (select 1 from pg_catalog.pg_rewrite where rulename <> '_RETURN' and ev_class = any ("
                + written + "))"
                + " or exists (select 1 from pg_catalog.pg_class where relkind <> 'r' and oid = any (" + written + "))"
                + " or exists (select 1 from pg_catalog.pg_inherits where inhparent = any (" + written + "))"
                + " or exists (select 1 from pg_catalog.pg_constraint where contype = 'f' and confrelid = any ("
                + written + ") and (confdeltype not in ('a', 'r') or confupdtype not in ('a', 'r')))";
    }

    private static String literal(String text) {
        return "'" + text.replace("'", "''") + "'";
    }
}
