package io.vigil.proxy.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.db.EmbeddedDatabaseServer;
import io.vigil.db.VigilStore;
import io.vigil.proxy.audit.AuditEvent.StatementCompleted;
import io.vigil.proxy.audit.AuditEvent.StatementStarted;
import io.vigil.proxy.sql.StatementKind;
import io.vigil.proxy.sql.StatementShape;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Statement rows in binary COPY, read back by PostgreSQL into the statement table's own column
 * types: hostile text, arrays with nulls and delimiters, nulls everywhere, numbers at their limits,
 * times on both sides of PostgreSQL's epoch.
 */
class CopyBinaryIT {

    @TempDir
    static Path dir;

    private static EmbeddedDatabaseServer postgres;
    private static DataSource store;

    @BeforeAll
    static void start() {
        postgres = EmbeddedDatabaseServer.start(dir, 0);
        postgres.ensureDatabase("vigil", "vigil", "copy-test");
        store = postgres.dataSource("vigil", "vigil", "copy-test");
        VigilStore.migrate(store);
    }

    @AfterAll
    static void stop() {
        postgres.close();
    }

    /** A shape's relations and functions, with what arrays must escape. */
    private static final List<String> READS = List.of("a\"b", "{x,y}", "NULL", "");

    private static final List<String> FUNCTIONS = List.of("pg_catalog.now", "ü\\");

    private static final String HOSTILE =
            "select '\\N', E'\\t\\n\\r', \"ü ✓ 𝄞\" -- \t tab\n newline\r\\ \\\\ {a,\"b\"} NULL";

    @Test
    void postgresReadsBackEveryColumnAsWritten() throws Exception {
        UUID session = UUID.randomUUID();
        Instant before2000 = Instant.parse("1999-12-31T23:59:59.999999Z");
        Instant now = Instant.parse("2026-11-22T09:49:35.123456789Z");
        StatementShape shape = new StatementShape(
                StatementKind.READ, "SelectStmt", HOSTILE, READS, List.of(), FUNCTIONS, "0123abcd", null);
        List<String> parameters = Arrays.asList("1", null, "a,b", "\"}", "", "NULL");
        var full = row(
                new StatementStarted(
                        session, Long.MAX_VALUE, now, HOSTILE, AuditEvent.Protocol.EXTENDED, shape, parameters, null),
                new StatementCompleted(session, Long.MAX_VALUE, now, 0, Outcome.completed("SELECT 3", 3L)),
                Integer.MAX_VALUE,
                Long.MAX_VALUE);
        var unparsed = row(
                new StatementStarted(
                        session, 1, before2000, "selec 1", AuditEvent.Protocol.SIMPLE, null, null, "ab".repeat(32)),
                new StatementCompleted(
                        session,
                        1,
                        before2000,
                        Long.MAX_VALUE,
                        Outcome.refused("42601", "syntax error at \"selec\"\t\n")),
                0,
                0);
        var open = row(
                new StatementStarted(
                        session,
                        2,
                        now,
                        "select 2",
                        AuditEvent.Protocol.SIMPLE,
                        shape.withText("select 2"),
                        List.of(),
                        null),
                null,
                5,
                7);

        try (Connection c = store.getConnection()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("create temp table copied (like vigil.statement)");
            }
            StatementCopy.copy(c, "copied", List.of(full, unparsed, open));
            List<List<Object>> rows = new ArrayList<>();
            try (Statement s = c.createStatement();
                    ResultSet r = s.executeQuery("select session_id, seq, started_at, duration_us, sql_text,"
                            + " protocol, command_tag, row_count, sqlstate, error_message, outcome, kind, command,"
                            + " reads, writes, functions, fingerprint, parameters, parameters_hash, start_index,"
                            + " start_hash, end_index, end_hash, start_leaf, end_leaf from copied order by seq desc")) {
                while (r.next()) {
                    rows.add(columns(r));
                }
            }
            c.rollback();

            assertThat(rows).hasSize(3);
            assertThat(rows.get(0))
                    .containsExactly(
                            session,
                            Long.MAX_VALUE,
                            now.truncatedTo(ChronoUnit.MICROS),
                            0L,
                            HOSTILE,
                            "extended",
                            "SELECT 3",
                            3L,
                            null,
                            null,
                            "completed",
                            "read",
                            "SelectStmt",
                            READS,
                            List.of(),
                            FUNCTIONS,
                            "0123abcd",
                            parameters,
                            null,
                            Integer.MAX_VALUE,
                            hex(Integer.MAX_VALUE),
                            Integer.MAX_VALUE + 1,
                            hex(Integer.MAX_VALUE + 1),
                            Long.MAX_VALUE,
                            Long.MAX_VALUE + 1);
            assertThat(rows.get(2))
                    .containsExactly(
                            session,
                            1L,
                            before2000,
                            Long.MAX_VALUE,
                            "selec 1",
                            "simple",
                            null,
                            null,
                            "42601",
                            "syntax error at \"selec\"\t\n",
                            "refused",
                            null,
                            null,
                            List.of(),
                            List.of(),
                            List.of(),
                            null,
                            null,
                            "ab".repeat(32),
                            0,
                            hex(0),
                            1,
                            hex(1),
                            0L,
                            1L);
            assertThat(rows.get(1))
                    .containsExactly(
                            session,
                            2L,
                            now.truncatedTo(ChronoUnit.MICROS),
                            null,
                            "select 2",
                            "simple",
                            null,
                            null,
                            null,
                            null,
                            null,
                            "read",
                            "SelectStmt",
                            READS,
                            List.of(),
                            FUNCTIONS,
                            "0123abcd",
                            List.of(),
                            null,
                            5,
                            hex(5),
                            null,
                            null,
                            7L,
                            null);
        }
    }

    /** A row as the shipper builds it; the end's chain index and leaf are the start's plus one. */
    private static StatementCopy.Row row(StatementStarted started, StatementCompleted completed, int index, long leaf) {
        var row = new StatementCopy.Row(started, new TrailChain.Link(started, new byte[0], index, hash(index)), leaf);
        if (completed != null) {
            row.complete(completed, new TrailChain.Link(completed, new byte[0], index + 1, hash(index + 1)), leaf + 1);
        }
        return row;
    }

    /** 32 bytes that say which link they belong to, all byte values included. */
    private static byte[] hash(int index) {
        byte[] hash = new byte[32];
        for (int i = 0; i < hash.length; i++) {
            hash[i] = (byte) (index * 31 + i * 8);
        }
        return hash;
    }

    private static String hex(int index) {
        return HexFormat.of().formatHex(hash(index));
    }

    private static List<Object> columns(ResultSet r) throws Exception {
        List<Object> values = new ArrayList<>();
        for (int i = 1; i <= r.getMetaData().getColumnCount(); i++) {
            Object value = r.getObject(i);
            values.add(
                    switch (value) {
                        case Timestamp at -> at.toInstant();
                        case Array array -> Arrays.asList((Object[]) array.getArray());
                        case byte[] bytes -> HexFormat.of().formatHex(bytes);
                        case null -> null;
                        default -> value;
                    });
        }
        return values;
    }
}
