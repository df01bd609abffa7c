package io.vigil.proxy;

import static io.vigil.db.jooq.Tables.CANCEL_REQUEST;
import static io.vigil.db.jooq.Tables.LOGIN_REFUSAL;
import static io.vigil.db.jooq.Tables.SESSION_VIEW;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.vigil.proxy.audit.AuditEvent.SessionClosed;
import io.vigil.proxy.audit.TrailChain;
import io.vigil.proxy.audit.TrailCodec;
import io.vigil.proxy.audit.TrailRecord;
import io.vigil.proxy.audit.export.JsonLinesFileSink;
import io.vigil.proxy.audit.export.WebhookSink;
import io.vigil.proxy.audit.verify.StoreTrail;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.PGConnection;

/**
 * Real traffic through the gateway, then the store is tampered with the way an insider with the
 * database owner's rights would (triggers bypassed): {@code vigil audit verify} must catch each
 * change and name the record, and the untouched trail must verify intact. Each test undoes its
 * tampering, so each finds exactly what it did.
 */
class TrailTamperingIT {

    @TempDir
    static Path dir;

    static TestEnvironment env;
    static HttpServer siem;
    static final List<String> received = new java.util.concurrent.CopyOnWriteArrayList<>();
    static JsonLinesFileSink fileSink;
    static WebhookSink webhook;
    static Path publicKey;
    static AuditCli cli;
    static Map<String, UUID> sessions = new java.util.HashMap<>();
    private static final List<String> undo = new ArrayList<>();

    @BeforeAll
    static void recordTraffic() throws Exception {
        siem = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        siem.createContext("/ingest", exchange -> {
            received.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        siem.start();
        fileSink = new JsonLinesFileSink(dir.resolve("siem/trail.jsonl"));
        webhook = new WebhookSink(
                URI.create("http://127.0.0.1:" + siem.getAddress().getPort() + "/ingest"), null, 100_000);
        // Listening from the trail's first record (the gateway's own, as it installs its presets).
        env = new TestEnvironment(dir.resolve("pg"), List.of(fileSink, webhook));
        env.agent("auditee", "owner@example.com", "s3cret-auditee");
        cli = new AuditCli(env, dir.resolve("trail-signing.pub"));
        publicKey = cli.publicKey();
        refusedLogin();
        cancelled();
        // "tail" last: its records end the tree.
        for (String name : List.of("edit", "delete", "swap", "rewrite", "tail")) {
            sessions.put(name, session(name));
        }
        // Everything shipped and under a signed checkpoint.
        TestEnvironment.await(env::unsignedRecords, n -> n == 0);
    }

    @AfterAll
    static void stop() throws Exception {
        env.close();
        webhook.close();
        fileSink.close();
        siem.stop(0);
    }

    @Test
    void theSiemStreamsCarryTheWholeTrailAndVerifyOnTheirOwn() throws Exception {
        TestEnvironment.await(webhook::pending, n -> n == 0);
        AuditCli.Verification file = run(
                "verify",
                "--public-key",
                publicKey.toString(),
                "--export",
                dir.resolve("siem/trail.jsonl").toString());
        assertThat(file.status()).as(file.out()).isZero();
        Path posted = dir.resolve("posted.jsonl");
        Files.writeString(posted, String.join("", received));
        AuditCli.Verification webhookCopy =
                run("verify", "--public-key", publicKey.toString(), "--export", posted.toString());
        assertThat(webhookCopy.status()).as(webhookCopy.out()).isZero();
        assertThat(webhookCopy.out())
                .isEqualTo(file.out().replace(dir.resolve("siem/trail.jsonl").toString(), posted.toString()));
        assertThat(String.join("", received)).contains("\"sql\":\"update notes_tail set body = 'x' where id = 3\"");
    }

    /** One agent session with a realistic mix: DDL, extended-protocol DML with odd parameters, COPY, failures. */
    private static UUID session(String name) throws Exception {
        try (Connection c = env.connect(
                        "auditee",
                        "s3cret-auditee",
                        "ApplicationName",
                        "tamper-" + name,
                        // so pgjdbc sends application_name in the startup packet rather than SET later
                        "assumeMinServerVersion",
                        "15");
                Statement s = c.createStatement()) {
            s.execute("create table if not exists notes_" + name + " (id int primary key, body text, raw bytea)");
            try (PreparedStatement p = c.prepareStatement("insert into notes_" + name + " values (?, ?, ?)")) {
                p.setInt(1, 1);
                p.setString(2, "héllo ☃ \"quoted\" \\ back\ttab\nnewline");
                p.setBytes(3, new byte[] {0, 1, 2, (byte) 0xff});
                p.execute();
                p.setInt(1, 2);
                p.setNull(2, java.sql.Types.VARCHAR);
                p.setNull(3, java.sql.Types.BINARY);
                p.execute();
            }
            s.execute("select count(*) from notes_" + name + "; select body from notes_" + name + " where id = 1");
            failing(s, "select 1 / 0");
            failing(s, "selec broken syntax");
            c.unwrap(PGConnection.class)
                    .getCopyAPI()
                    .copyIn(
                            "copy notes_" + name + " (id, body) from stdin",
                            new java.io.StringReader("3\tcopied\n4\t\\N\n"));
            s.execute("update notes_" + name + " set body = 'x' where id = 3");
        }
        // Closed in the trail before the next session opens: the last session's records end the tree.
        return TestEnvironment.await(
                () -> env.store
                        .select(SESSION_VIEW.ID)
                        .from(SESSION_VIEW)
                        .where(SESSION_VIEW.APPLICATION_NAME.eq("tamper-" + name))
                        .and(SESSION_VIEW.ENDED_AT.isNotNull())
                        .fetchOne(SESSION_VIEW.ID),
                java.util.Objects::nonNull);
    }

    /** A wrong secret: a record of its own, a leaf like any other. */
    private static void refusedLogin() {
        try {
            env.connect("auditee", "not-the-secret").close();
            throw new AssertionError("a wrong secret was accepted");
        } catch (SQLException expected) {
            // 28P01, and a login_refusal record
        }
    }

    /** A statement cancelled from another thread: a cancel record in the session's chain. */
    private static void cancelled() throws Exception {
        try (Connection c = env.connect("auditee", "s3cret-auditee");
                Statement s = c.createStatement()) {
            Thread canceller = Thread.ofVirtual().start(() -> {
                try {
                    Thread.sleep(300);
                    s.cancel();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            failing(s, "select pg_sleep(3)");
            canceller.join();
        }
        TestEnvironment.await(() -> env.store.fetchCount(CANCEL_REQUEST), n -> n > 0);
    }

    private static void failing(Statement s, String sql) {
        try {
            s.execute(sql);
        } catch (SQLException expected) {
            // recorded as failed (or refused), which is what the trail should show
        }
    }

    @AfterEach
    void untamper() throws SQLException {
        asOwner(undo.toArray(String[]::new));
        undo.clear();
        assertThat(verify().out()).contains("verdict: intact");
    }

    @Test
    void theUntouchedTrailVerifiesFromTheStoreAndFromAnExport() throws Exception {
        AuditCli.Verification live = verify();
        assertThat(live.status()).as(live.out()).isZero();
        assertThat(live.out())
                .contains("verdict: intact")
                .containsPattern("spool [0-9a-f-]{36}: [0-9,]+ records, [1-9][0-9]* valid checkpoints");
        Path export = dir.resolve("trail.jsonl");
        AuditCli.Verification exported =
                run("export", "--store", storeUrl(), "--user", TestEnvironment.STORE_USER, "--out", export.toString());
        assertThat(exported.status()).as(exported.out()).isZero();
        AuditCli.Verification fromExport =
                run("verify", "--public-key", publicKey.toString(), "--export", export.toString());
        assertThat(fromExport.status()).as(fromExport.out()).isZero();
        assertThat(fromExport.out()).contains("verdict: intact");
    }

    @Test
    void anEditedStatementIsNamed() throws Exception {
        UUID session = sessions.get("edit");
        String original = env.store
                .fetchValue("select sql_text from statement where session_id = ? and seq = 2", session)
                .toString();
        asOwner("update vigil.statement set sql_text = 'select 1' where session_id = '" + session + "' and seq = 2");
        undo.add("update vigil.statement set sql_text = " + literal(original) + " where session_id = '" + session
                + "' and seq = 2");
        AuditCli.Verification v = verify();
        assertThat(v.status()).isEqualTo(1);
        assertThat(v.out())
                .contains("TAMPERED session " + session + " record 3 (statement 2 started")
                .contains("does not match its hash");
    }

    @Test
    void aDeletedStatementIsNamed() throws Exception {
        UUID session = sessions.get("delete");
        // The statement's outcome lives on its row or, when it shipped in a later batch, in
        // statement_outcome: an insider removing the statement removes both.
        String seq3 = " where session_id = '" + session + "' and seq = 3";
        asOwner(
                "create table vigil.kept_statement as select * from vigil.statement" + seq3,
                "create table vigil.kept_outcome as select * from vigil.statement_outcome" + seq3,
                "delete from vigil.statement_outcome" + seq3,
                "delete from vigil.statement" + seq3);
        undo.add("insert into vigil.statement select * from vigil.kept_statement");
        undo.add("insert into vigil.statement_outcome select * from vigil.kept_outcome");
        undo.add("drop table vigil.kept_statement, vigil.kept_outcome");
        AuditCli.Verification v = verify();
        assertThat(v.status()).isEqualTo(1);
        assertThat(v.out())
                .contains("TAMPERED session " + session + " record 7 (statement 4 started")
                .contains("records 5 to 6 are missing before it: deleted");
    }

    /** The store has no foreign key from statements to sessions (V15): the verifier is the check. */
    @Test
    void aStatementOfASessionThatNeverOpenedIsNamed() throws Exception {
        UUID session = sessions.get("edit");
        UUID stranger = UUID.randomUUID();
        asOwner("insert into vigil.statement select '" + stranger + "', seq, started_at, duration_us, sql_text,"
                + " protocol, command_tag, row_count, sqlstate, error_message, kind, command, reads, writes, functions,"
                + " fingerprint, parameters, parameters_hash, outcome, start_index, start_hash, end_index, end_hash,"
                + " null, null from vigil.statement where session_id = '" + session + "' and seq = 2");
        undo.add("delete from vigil.statement where session_id = '" + stranger + "'");
        AuditCli.Verification v = verify();
        assertThat(v.status()).isEqualTo(1);
        assertThat(v.out()).contains("TAMPERED session " + stranger);
    }

    @Test
    void aDeletedRefusedLoginIsCaughtByTheTree() throws Exception {
        long leaf = env.store
                .select(LOGIN_REFUSAL.LEAF)
                .from(LOGIN_REFUSAL)
                .limit(1)
                .fetchSingle(LOGIN_REFUSAL.LEAF);
        asOwner(
                "create table vigil.kept_refusal as select * from vigil.login_refusal where leaf = " + leaf,
                "delete from vigil.login_refusal where leaf = " + leaf);
        undo.add("insert into vigil.login_refusal select * from vigil.kept_refusal");
        undo.add("drop table vigil.kept_refusal");
        AuditCli.Verification v = verify();
        assertThat(v.status()).isEqualTo(1);
        assertThat(v.out()).contains("leaf " + leaf + " is missing: deleted");
    }

    @Test
    void twoSwappedStatementsAreBothNamed() throws Exception {
        UUID session = sessions.get("swap");
        String swap = "update vigil.statement s set sql_text = o.sql_text from vigil.statement o"
                + " where s.session_id = '" + session + "' and s.seq in (1, 2)"
                + " and o.session_id = s.session_id and o.seq = 3 - s.seq";
        asOwner(swap);
        undo.add(swap);
        AuditCli.Verification v = verify();
        assertThat(v.status()).isEqualTo(1);
        assertThat(v.out())
                .contains("TAMPERED session " + session + " record 1 (statement 1 started")
                .contains("TAMPERED session " + session + " record 3 (statement 2 started");
    }

    @Test
    void aRewriteWithARecomputedHashIsCaughtByTheSignedRoot() throws Exception {
        UUID session = sessions.get("rewrite");
        List<TrailRecord> chain = new StoreTrail(env.store)
                .records().stream()
                        .filter(r -> r.sessionId().equals(session))
                        .sorted(java.util.Comparator.comparingInt(TrailRecord::chainIndex))
                        .toList();
        TrailRecord last = chain.getLast();
        SessionClosed closed = (SessionClosed) last.event();
        byte[] forged = TrailChain.hash(
                chain.get(chain.size() - 2).storedHash(),
                TrailCodec.encode(new SessionClosed(session, closed.endedAt(), "nothing to see here")));
        asOwner("update vigil.session_end set reason = 'nothing to see here', chain_hash = '\\x"
                + HexFormat.of().formatHex(forged) + "' where session_id = '" + session + "'");
        undo.add("update vigil.session_end set reason = " + literal(closed.reason()) + ", chain_hash = '\\x"
                + HexFormat.of().formatHex(last.storedHash()) + "' where session_id = '" + session + "'");
        AuditCli.Verification v = verify();
        assertThat(v.status()).isEqualTo(1);
        assertThat(v.out())
                .doesNotContain("TAMPERED session")
                .containsPattern("TAMPERED spool [0-9a-f-]{36}: the records at leaves [0-9]+ to [0-9]+ do not match"
                        + " the root signed at \\S+: one of them was changed");
    }

    @Test
    void aCutTailIsCaught() throws Exception {
        UUID session = sessions.get("tail");
        String s = "'" + session + "'";
        asOwner(
                "create table vigil.kept_session as select * from vigil.session where id = " + s,
                "create table vigil.kept_statement as select * from vigil.statement where session_id = " + s,
                "create table vigil.kept_outcome as select * from vigil.statement_outcome where session_id = " + s,
                "create table vigil.kept_end as select * from vigil.session_end where session_id = " + s,
                "delete from vigil.session_end where session_id = " + s,
                "delete from vigil.statement_outcome where session_id = " + s,
                "delete from vigil.statement where session_id = " + s,
                "delete from vigil.session where id = " + s);
        undo.addAll(List.of(
                "insert into vigil.session select * from vigil.kept_session",
                "insert into vigil.statement select * from vigil.kept_statement",
                "insert into vigil.statement_outcome select * from vigil.kept_outcome",
                "insert into vigil.session_end select * from vigil.kept_end",
                "drop table vigil.kept_session, vigil.kept_statement, vigil.kept_outcome, vigil.kept_end"));
        AuditCli.Verification v = verify();
        assertThat(v.status()).isEqualTo(1);
        assertThat(v.out())
                .containsPattern("TAMPERED spool [0-9a-f-]{36}: the tail was cut: the checkpoint signed at"
                        + " \\S+ covers [0-9]+ records, only [0-9]+ are left");
    }

    /**
     * The tail cut together with every checkpoint that covered it: the store alone cannot tell, the
     * auditor's own copy of the checkpoints (here the SIEM's file) can, before the next is signed.
     */
    @Test
    void aCutTailWithItsCheckpointsDeletedIsCaughtByTheAuditorsCopy() throws Exception {
        UUID session = sessions.get("tail");
        String s = "'" + session + "'";
        asOwner(
                "create table vigil.kept_session as select * from vigil.session where id = " + s,
                "create table vigil.kept_statement as select * from vigil.statement where session_id = " + s,
                "create table vigil.kept_outcome as select * from vigil.statement_outcome where session_id = " + s,
                "create table vigil.kept_end as select * from vigil.session_end where session_id = " + s,
                "create table vigil.kept_checkpoint as select * from vigil.trail_checkpoint where tree_size >"
                        + " (select leaf from vigil.session where id = " + s + ")",
                "delete from vigil.trail_checkpoint where tree_size > (select leaf from vigil.session where id = " + s
                        + ")",
                "delete from vigil.session_end where session_id = " + s,
                "delete from vigil.statement_outcome where session_id = " + s,
                "delete from vigil.statement where session_id = " + s,
                "delete from vigil.session where id = " + s);
        undo.addAll(List.of(
                "insert into vigil.session select * from vigil.kept_session",
                "insert into vigil.statement select * from vigil.kept_statement",
                "insert into vigil.statement_outcome select * from vigil.kept_outcome",
                "insert into vigil.session_end select * from vigil.kept_end",
                "insert into vigil.trail_checkpoint select * from vigil.kept_checkpoint",
                "drop table vigil.kept_session, vigil.kept_statement, vigil.kept_outcome, vigil.kept_end,"
                        + " vigil.kept_checkpoint"));
        assertThat(verify().out()).as("the store alone cannot tell").contains("verdict: intact");
        String siemCopy = dir.resolve("siem/trail.jsonl").toString();
        AuditCli.Verification v = run(
                "verify",
                "--public-key",
                publicKey.toString(),
                "--store",
                storeUrl(),
                "--user",
                TestEnvironment.STORE_USER,
                "--checkpoints",
                siemCopy);
        assertThat(v.status()).as(v.out()).isEqualTo(1);
        assertThat(v.out())
                .contains("the tail was cut")
                .contains("that the auditor's copy holds: deleted")
                .containsPattern("checked against [0-9]+ checkpoint\\(s\\) from the auditor's copy \\("
                        + java.util.regex.Pattern.quote(siemCopy)
                        + "\\); the newest, of [0-9,]+ records, was signed \\S+, \\S+ ago");
    }

    @Test
    void anIntactStoreAgreesWithTheAuditorsCopy() {
        AuditCli.Verification v = run(
                "verify",
                "--public-key",
                publicKey.toString(),
                "--store",
                storeUrl(),
                "--user",
                TestEnvironment.STORE_USER,
                "--checkpoints",
                dir.resolve("siem/trail.jsonl").toString());
        assertThat(v.status()).as(v.out()).isZero();
        assertThat(v.out()).contains("verdict: intact").contains("from the auditor's copy");
    }

    @Test
    void aForgedCheckpointIsNamed() throws Exception {
        asOwner("insert into vigil.trail_checkpoint select spool_id, tree_size + 1000, root, now(), key_id,"
                + " '\\x00'::bytea from vigil.trail_checkpoint order by tree_size desc limit 1");
        undo.add("delete from vigil.trail_checkpoint where tree_size > (select leaves from vigil.trail_cursor)");
        AuditCli.Verification v = verify();
        assertThat(v.status()).isEqualTo(1);
        assertThat(v.out()).contains("does not carry a valid signature").contains("forged or altered");
    }

    private static AuditCli.Verification verify() {
        return cli.verify();
    }

    private static AuditCli.Verification run(String... args) {
        return cli.run(args);
    }

    private static String storeUrl() {
        return cli.storeUrl();
    }

    private static void asOwner(String... statements) throws SQLException {
        cli.asInsider(statements);
    }

    private static String literal(String value) {
        return value == null ? "null" : "'" + value.replace("'", "''") + "'";
    }
}
