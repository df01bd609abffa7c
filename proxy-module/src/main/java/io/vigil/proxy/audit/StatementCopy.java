package io.vigil.proxy.audit;

import io.vigil.proxy.audit.AuditEvent.StatementCompleted;
import io.vigil.proxy.audit.AuditEvent.StatementStarted;
import io.vigil.proxy.sql.StatementShape;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collection;
import java.util.List;
import org.postgresql.PGConnection;

/**
 * Writes statement rows with COPY, in PostgreSQL's binary format. One COPY per batch costs a
 * fraction of the same rows as INSERTs, and the trail has to keep up with the gateway's full
 * throughput.
 */
final class StatementCopy {

    private static final String COPY = "copy %s (session_id, seq, started_at, duration_us, sql_text,"
            + " protocol, command_tag, row_count, sqlstate, error_message, outcome, kind, command, reads, writes,"
            + " functions, fingerprint, parameters, parameters_hash, start_index, start_hash, end_index, end_hash,"
            + " start_leaf, end_leaf, verdict, policies, rule) from stdin (format binary)";
    private static final int COLUMNS = 28;

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
                .text(j == null ? null : j.rule());
    }
}
