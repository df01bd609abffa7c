package io.vigil.proxy.audit;

import io.vigil.proxy.audit.AuditEvent.StatementCompleted;
import io.vigil.proxy.audit.AuditEvent.StatementStarted;
import io.vigil.proxy.sql.StatementShape;
import java.io.IOException;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import org.postgresql.PGConnection;

/**
 * Writes statement rows with COPY, in PostgreSQL's text format. One COPY per batch costs a fraction
 * of the same rows as INSERTs, and the trail has to keep up with the gateway's full throughput.
 */
final class StatementCopy {

    private static final String COPY = "copy vigil.statement (session_id, seq, started_at, duration_us, sql_text,"
            + " protocol, command_tag, row_count, sqlstate, error_message, outcome, kind, command, reads, writes,"
            + " functions, fingerprint, parameters, parameters_hash, start_index, start_hash, end_index, end_hash,"
            + " start_leaf, end_leaf) from stdin";

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
        StringBuilder text = new StringBuilder(rows.size() * 160);
        for (Row row : rows) {
            append(text, row);
        }
        connection.unwrap(PGConnection.class).getCopyAPI().copyIn(COPY, new StringReader(text.toString()));
    }

    static void append(StringBuilder text, Row row) {
        StatementStarted s = row.started;
        StatementCompleted c = row.completed;
        Outcome o = c == null ? null : c.outcome();
        field(text, s.sessionId().toString()).append('\t');
        field(text, Long.toString(s.seq())).append('\t');
        field(text, OffsetDateTime.ofInstant(s.startedAt(), ZoneOffset.UTC).toString())
                .append('\t');
        field(text, c == null ? null : Long.toString(c.durationMicros())).append('\t');
        field(text, s.sql()).append('\t');
        field(text, s.protocol().name().toLowerCase(Locale.ROOT)).append('\t');
        field(text, o == null ? null : o.commandTag()).append('\t');
        field(text, o == null || o.rows() == null ? null : o.rows().toString()).append('\t');
        field(text, o == null ? null : o.sqlState()).append('\t');
        field(text, o == null ? null : o.errorMessage()).append('\t');
        field(text, o == null ? null : o.status().label()).append('\t');
        StatementShape shape = s.shape();
        field(text, shape == null ? null : shape.kind().label()).append('\t');
        field(text, shape == null ? null : shape.command()).append('\t');
        field(text, array(shape == null ? List.of() : shape.reads())).append('\t');
        field(text, array(shape == null ? List.of() : shape.writes())).append('\t');
        field(text, array(shape == null ? List.of() : shape.functions())).append('\t');
        field(text, shape == null ? null : shape.fingerprint()).append('\t');
        field(text, s.parameters() == null ? null : array(s.parameters())).append('\t');
        field(text, s.parametersHash()).append('\t');
        field(text, row.startLink == null ? null : Integer.toString(row.startLink.index()))
                .append('\t');
        field(text, row.startLink == null ? null : bytea(row.startLink.hash())).append('\t');
        field(text, row.endLink == null ? null : Integer.toString(row.endLink.index()))
                .append('\t');
        field(text, row.endLink == null ? null : bytea(row.endLink.hash())).append('\t');
        field(text, Long.toString(row.startLeaf)).append('\t');
        field(text, row.endLink == null ? null : Long.toString(row.endLeaf)).append('\n');
    }

    static String bytea(byte[] bytes) {
        return "\\x" + HexFormat.of().formatHex(bytes);
    }

    /** A PostgreSQL array literal: every element double-quoted (backslash-escaped), NULL bare. */
    static String array(List<String> values) {
        StringBuilder array = new StringBuilder(2 + values.size() * 16).append('{');
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                array.append(',');
            }
            String value = values.get(i);
            if (value == null) {
                array.append("NULL");
                continue;
            }
            array.append('"');
            for (int j = 0; j < value.length(); j++) {
                char ch = value.charAt(j);
                if (ch == '"' || ch == '\\') {
                    array.append('\\');
                }
                array.append(ch);
            }
            array.append('"');
        }
        return array.append('}').toString();
    }

    private static boolean needsEscaping(String value) {
        for (int i = 0; i < value.length(); i++) {
            char ch = value.charAt(i);
            if (ch == '\\' || ch == '\t' || ch == '\n' || ch == '\r') {
                return true;
            }
        }
        return false;
    }

    /** One column in COPY text format: \N for NULL; backslash, tab, newline and CR escaped. */
    static StringBuilder field(StringBuilder text, String value) {
        if (value == null) {
            return text.append("\\N");
        }
        if (!needsEscaping(value)) {
            return text.append(value); // the common case: one copy, not a char at a time
        }
        for (int i = 0; i < value.length(); i++) {
            char ch = value.charAt(i);
            switch (ch) {
                case '\\' -> text.append("\\\\");
                case '\t' -> text.append("\\t");
                case '\n' -> text.append("\\n");
                case '\r' -> text.append("\\r");
                default -> text.append(ch);
            }
        }
        return text;
    }
}
