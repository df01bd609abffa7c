package io.vigil.proxy.audit;

import io.vigil.proxy.audit.AuditEvent.StatementCompleted;
import io.vigil.proxy.audit.AuditEvent.StatementStarted;
import io.vigil.proxy.sql.StatementKind;
import io.vigil.proxy.sql.StatementShape;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.postgresql.PGConnection;

/**
 * A statement's row, both ways: its start and its outcome (when that came in time) are one row of
 * {@code statement}, written with COPY in PostgreSQL's binary format (one COPY per batch costs a
 * fraction of the same rows as INSERTs, and the trail has to keep up with the gateway's full
 * throughput), and read back as the records they were. The other kinds: {@link TrailTables}.
 */
public final class StatementCopy {

    private static final String COLUMN_LIST = "session_id, seq, started_at, duration_us, sql_text,"
            + " protocol, command_tag, row_count, sqlstate, error_message, outcome, kind, command, reads, writes,"
            + " functions, fingerprint, parameters, parameters_hash, start_index, start_hash, end_index, end_hash,"
            + " start_leaf, end_leaf, verdict, policies, rule, observed_verdict, observed_policy, observed_rule";
    private static final String COPY = "copy %s (" + COLUMN_LIST + ") from stdin (format binary)";
    private static final int COLUMNS = 31;

    /** Every statement row's columns, for {@link #read}. */
    public static final String SELECT = "select " + COLUMN_LIST + " from vigil.statement";

    /** A statement to insert, with its outcome if that arrived in the same batch. */
    static final class Row {
        final StatementStarted started;
        final TrailChain.Link startLink;
        final long startLeaf;
        StatementCompleted completed;
        TrailChain.Link endLink;
        long endLeaf;

        Row(StatementStarted started, TrailChain.Link startLink, long startLeaf) {
            this.started = started;
            this.startLink = startLink;
            this.startLeaf = startLeaf;
        }

        void complete(StatementCompleted completed, TrailChain.Link endLink, long endLeaf) {
            this.completed = completed;
            this.endLink = endLink;
            this.endLeaf = endLeaf;
        }
    }

    private StatementCopy() {}

    static void copy(Connection connection, Collection<Row> rows) throws SQLException, IOException {
        copy(connection, "vigil.statement", rows);
    }

    /** Into {@code table}, which has the statement table's columns (a test's copy of it). */
    static void copy(Connection connection, String table, Collection<Row> rows) throws SQLException, IOException {
        CopyBinary out = new CopyBinary(rows.size() * 320);
        for (Row row : rows) {
            append(out, row);
        }
        out.finish();
        connection.unwrap(PGConnection.class).getCopyAPI().copyIn(COPY.formatted(table), out.stream());
    }

    static void append(CopyBinary out, Row row) {
        StatementStarted s = row.started;
        StatementCompleted c = row.completed;
        Outcome o = c == null ? null : c.outcome();
        StatementShape shape = s.shape();
        Judgement j = s.judgement();
        out.row(COLUMNS)
                .uuid(s.sessionId())
                .int8(s.seq())
                .timestamptz(s.startedAt())
                .int8(c == null ? null : c.durationMicros())
                .text(s.sql())
                .text(s.protocol() == AuditEvent.Protocol.SIMPLE ? "simple" : "extended")
                .text(o == null ? null : o.commandTag())
                .int8(o == null ? null : o.rows())
                .text(o == null ? null : o.sqlState())
                .text(o == null ? null : o.errorMessage())
                .text(o == null ? null : o.status().label())
                .text(shape == null ? null : shape.kind().label())
                .text(shape == null ? null : shape.command())
                .textArray(shape == null ? List.of() : shape.reads())
                .textArray(shape == null ? List.of() : shape.writes())
                .textArray(shape == null ? List.of() : shape.functions())
                .text(shape == null ? null : shape.fingerprint())
                .textArray(s.parameters())
                .text(s.parametersHash())
                .int4(row.startLink.index())
                .bytea(row.startLink.hash())
                .int4(row.endLink == null ? null : row.endLink.index())
                .bytea(row.endLink == null ? null : row.endLink.hash())
                .int8(row.startLeaf)
                .int8(row.endLink == null ? null : row.endLeaf)
                .text(j == null ? null : j.effect().label())
                .text(j == null ? null : j.policies())
                .text(j == null ? null : j.rule())
                .text(o(j) == null ? null : o(j).effect().label())
                .text(o(j) == null ? null : o(j).policy())
                .text(o(j) == null ? null : o(j).rule());
    }

    /**
     * The records a statement row holds: its start, and its outcome if that is in the row.
     *
     * @param spool the spool of the statement's session
     */
    public static List<TrailRecord> read(TrailTables.Row r, UUID spool) {
        TrailRecord start =
                new TrailRecord(spool, r.int8("start_leaf"), r.int4("start_index"), r.bytes("start_hash"), started(r));
        if (r.bytes("end_hash") == null) {
            return List.of(start);
        }
        return List.of(
                start,
                new TrailRecord(
                        spool,
                        r.int8("end_leaf"),
                        r.int4("end_index"),
                        r.bytes("end_hash"),
                        new StatementCompleted(
                                r.uuid("session_id"),
                                r.int8("seq"),
                                r.instant("started_at"),
                                r.int8("duration_us"),
                                TrailTables.outcome(r))));
    }

    private static StatementStarted started(TrailTables.Row r) {
        String kind = r.text("kind");
        StatementShape shape = kind == null
                ? null
                : new StatementShape(
                        StatementKind.ofLabel(kind),
                        r.text("command"),
                        r.text("sql_text"),
                        orEmpty(r.texts("reads")),
                        orEmpty(r.texts("writes")),
                        orEmpty(r.texts("functions")),
                        r.text("fingerprint"),
                        null);
        String verdict = r.text("verdict");
        return new StatementStarted(
                r.uuid("session_id"),
                r.int8("seq"),
                r.instant("started_at"),
                r.text("sql_text"),
                AuditEvent.Protocol.valueOf(r.text("protocol").toUpperCase(Locale.ROOT)),
                shape,
                r.texts("parameters"),
                r.text("parameters_hash"),
                verdict == null
                        ? null
                        : new Judgement(
                                Judgement.Effect.ofLabel(verdict),
                                r.text("policies"),
                                r.text("rule"),
                                r.text("observed_verdict") == null
                                        ? null
                                        : new Judgement.Observation(
                                                Judgement.Effect.ofLabel(r.text("observed_verdict")),
                                                r.text("observed_policy"),
                                                r.text("observed_rule"))));
    }

    private static Judgement.Observation o(Judgement j) {
        return j == null ? null : j.observed();
    }

    private static List<String> orEmpty(List<String> values) {
        return values == null ? List.of() : values;
    }
}
