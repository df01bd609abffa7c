package io.vigil.proxy;

import static io.vigil.db.jooq.Tables.AGENT;
import static io.vigil.db.jooq.Tables.CANCEL_REQUEST;
import static io.vigil.db.jooq.Tables.LOGIN_REFUSAL;
import static io.vigil.db.jooq.Tables.SESSION;
import static io.vigil.db.jooq.Tables.SESSION_END_REQUEST;
import static io.vigil.db.jooq.Tables.SESSION_VIEW;
import static io.vigil.db.jooq.Tables.STATEMENT_VIEW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.vigil.db.jooq.tables.records.StatementViewRecord;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** pgjdbc through the gateway to a real PostgreSQL, and the trail that results in Vigil's store. */
class GatewayIT {

    @TempDir
    static Path dir;

    static TestEnvironment env;

    @BeforeAll
    static void start() {
        env = new TestEnvironment(dir);
    }

    @AfterAll
    static void stop() {
        env.close();
    }

    @Test
    void statementsOfAnAgentAreRelayedAndRecordedWithItsIdentityAndOutcome() throws Exception {
        UUID agent = env.agent("billing-bot", "owner", "s3cret-billing");
        try (Connection c = env.connect("billing-bot", "s3cret-billing")) {
            try (Statement s = c.createStatement()) {
                s.execute("create table invoices (id int primary key, amount numeric)");
                assertThat(s.executeUpdate("insert into invoices values (1, 10.5), (2, 20), (3, 7)"))
                        .isEqualTo(3);
            }
            try (PreparedStatement p = c.prepareStatement("select sum(amount) from invoices where id <= ?")) {
                p.setInt(1, 2);
                try (ResultSet rs = p.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getBigDecimal(1)).isEqualByComparingTo("30.5");
                }
            }
            try (Statement s = c.createStatement()) {
                SqlStates.assertFailsWith("22012", () -> s.executeQuery("select 1 / (amount - amount) from invoices"));
            }
        }

        // pgjdbc sets application_name itself after connecting: driver traffic is recorded too.
        List<StatementViewRecord> recorded = TestEnvironment.await(() -> statementsOf(agent), rows -> rows.size() == 5);
        assertThat(recorded.getFirst().getSqlText()).isEqualTo("SET application_name = 'PostgreSQL JDBC Driver'");
        assertThat(recorded.getFirst().getProtocol()).isEqualTo("simple");
        recorded = recorded.subList(1, recorded.size());
        assertThat(recorded)
                .extracting(StatementViewRecord::getSqlText)
                .containsExactly(
                        "create table invoices (id int primary key, amount numeric)",
                        "insert into invoices values (1, 10.5), (2, 20), (3, 7)",
                        "select sum(amount) from invoices where id <= $1",
                        "select 1 / (amount - amount) from invoices");
        assertThat(recorded)
                .extracting(
                        StatementViewRecord::getCommandTag,
                        StatementViewRecord::getRowCount,
                        StatementViewRecord::getSqlstate)
                .containsExactly(
                        tuple("CREATE TABLE", null, null),
                        tuple("INSERT 0 3", 3L, null),
                        tuple("SELECT 1", 1L, null),
                        tuple(null, null, "22012"));
        assertThat(recorded).extracting(StatementViewRecord::getSeq).containsExactly(2L, 3L, 4L, 5L);
        assertThat(recorded).allSatisfy(r -> {
            assertThat(r.getProtocol()).isEqualTo("extended");
            assertThat(r.getDurationUs()).isNotNull().isNotNegative();
            assertThat(r.getStartedAt()).isNotNull();
        });
        var session =
                env.store.selectFrom(SESSION).where(SESSION.AGENT_ID.eq(agent)).fetchSingle();
        assertThat(session.getClientAddr()).isEqualTo("127.0.0.1");
        assertThat(session.getTargetId()).isEqualTo(env.targetId);
        TestEnvironment.await(
                () -> env.store
                        .selectFrom(SESSION_VIEW)
                        .where(SESSION_VIEW.AGENT_ID.eq(agent))
                        .fetchSingle(),
                s -> s.getEndedAt() != null);
    }

    @Test
    void simpleQueryProtocolIsRecordedToo() throws Exception {
        UUID agent = env.agent("report-bot", "owner", "s3cret-report");
        try (Connection c = env.connect("report-bot", "s3cret-report", "preferQueryMode", "simple");
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select generate_series(1, 5)")) {
            int rows = 0;
            while (rs.next()) {
                rows++;
            }
            assertThat(rows).isEqualTo(5);
        }
        List<StatementViewRecord> recorded = TestEnvironment.await(() -> statementsOf(agent), rows -> rows.size() == 2);
        StatementViewRecord select = recorded.getLast();
        assertThat(select.getSqlText()).isEqualTo("select generate_series(1, 5)");
        assertThat(select.getProtocol()).isEqualTo("simple");
        assertThat(select.getCommandTag()).isEqualTo("SELECT 5");
        assertThat(select.getRowCount()).isEqualTo(5L);
    }

    @Test
    void statementTextIsStoredExactlyWhateverItContains() throws Exception {
        UUID agent = env.agent("odd-text-bot", "owner", "s3cret-odd");
        String sql = "select 'tab\there', 'line\nbreak', E'back\\\\slash', '\\N', 'ünï ✓'\r\n-- end";
        try (Connection c = env.connect("odd-text-bot", "s3cret-odd", "preferQueryMode", "simple");
                Statement s = c.createStatement()) {
            s.execute(sql);
        }
        List<StatementViewRecord> recorded = TestEnvironment.await(() -> statementsOf(agent), rows -> rows.size() == 2);
        assertThat(recorded.getLast().getSqlText()).isEqualTo(sql);
    }

    @Test
    void aWrongSecretGets28P01AndNoSession() {
        UUID agent = env.agent("ci-job", "owner", "the-right-secret");
        SqlStates.assertFailsWith(
                "28P01", () -> env.connect("ci-job", "a-wrong-secret").close());
        assertThat(env.store.fetchCount(SESSION, SESSION.AGENT_ID.eq(agent))).isZero();
    }

    @Test
    void anUnknownAgentLooksExactlyLikeAWrongSecret() {
        assertThatThrownBy(() -> env.connect("no-such-agent", "whatever").close())
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("password authentication failed for user \"no-such-agent\"")
                .extracting(e -> ((SQLException) e).getSQLState())
                .isEqualTo("28P01");
    }

    @Test
    void theAgentNeverLearnsTheUpstreamRole() throws Exception {
        env.agent("curious-bot", "owner", "s3cret-curious");
        try (Connection c = env.connect("curious-bot", "s3cret-curious");
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select current_user")) {
            rs.next();
            // The agent runs as the target's upstream role, whose password it never saw.
            assertThat(rs.getString(1)).isEqualTo("shop_gateway");
        }
    }

    @Test
    void theOptionsStartupParameterIsRefusedWithAClearError() {
        env.agent("options-bot", "owner", "s3cret-options");
        assertThatThrownBy(() -> env.connect("options-bot", "s3cret-options", "options", "-c log_statement=none")
                        .close())
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("startup parameter \"options\" is not allowed")
                .extracting(e -> ((SQLException) e).getSQLState())
                .isEqualTo("0A000");
    }

    @Test
    void aJdbcCancelStopsTheRunningStatementAtTheTarget() throws Exception {
        env.agent("slow-bot", "owner", "s3cret-slow");
        try (Connection c = env.connect("slow-bot", "s3cret-slow");
                Statement s = c.createStatement()) {
            long start = System.nanoTime();
            Thread canceller = Thread.ofVirtual().start(() -> {
                try {
                    awaitRunningAtTarget("select pg_sleep(30)");
                    s.cancel();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            SqlStates.assertFailsWith("57014", () -> s.execute("select pg_sleep(30)"));
            canceller.join();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
            // The trail keeps the cancel, in the session's chain, naming the statement it hit.
            var sleep = TestEnvironment.await(
                    () -> env.store
                            .selectFrom(STATEMENT_VIEW)
                            .where(STATEMENT_VIEW.SQL_TEXT.eq("select pg_sleep(30)"))
                            .and(STATEMENT_VIEW.SESSION_ID.in(env.store
                                    .select(SESSION.ID)
                                    .from(SESSION)
                                    .join(AGENT)
                                    .on(AGENT.ID.eq(SESSION.AGENT_ID))
                                    .where(AGENT.NAME.eq("slow-bot"))))
                            .fetchOne(),
                    java.util.Objects::nonNull);
            var cancel = TestEnvironment.await(
                    () -> env.store
                            .selectFrom(CANCEL_REQUEST)
                            .where(CANCEL_REQUEST.SESSION_ID.eq(sleep.getSessionId()))
                            .fetchOne(),
                    java.util.Objects::nonNull);
            assertThat(cancel.getSeq()).isEqualTo(sleep.getSeq());
            assertThat(cancel.getClientAddr()).isEqualTo("127.0.0.1");
            // The session goes on after a cancel.
            try (ResultSet rs = s.executeQuery("select 42")) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(42);
            }
        }
    }

    @Test
    void everyRefusedLoginIsKeptInTheTrailWithTheRealReason() throws Exception {
        UUID agent = env.agent("refused-bot", "owner", "s3cret-refused");
        UUID revoked = env.agent("refused-revoked-bot", "owner", "s3cret-revoked2");
        env.store
                .update(AGENT)
                .set(AGENT.STATUS, "revoked")
                .where(AGENT.ID.eq(revoked))
                .execute();
        SqlStates.assertFailsWith("28P01", () -> env.connect(
                        "refused-bot", "wrong-secret", "ApplicationName", "guess", "assumeMinServerVersion", "15")
                .close());
        SqlStates.assertFailsWith(
                "28P01", () -> env.connect("refused-nobody", "anything").close());
        SqlStates.assertFailsWith("28P01", () -> env.connect("refused-revoked-bot", "s3cret-revoked2")
                .close());
        SqlStates.assertFailsWith("28000", () -> DriverManager.getConnection(
                        // (sslmode=disable: with prefer, pgjdbc tries again without TLS, a second refusal)
                        "jdbc:postgresql://127.0.0.1:" + env.gateway.address().getPort() + "/postgres?sslmode=disable",
                        "refused-bot",
                        "s3cret-refused")
                .close());

        var refusals = TestEnvironment.await(
                () -> env.store
                        .selectFrom(LOGIN_REFUSAL)
                        .where(LOGIN_REFUSAL.USER_NAME.in("refused-bot", "refused-nobody", "refused-revoked-bot"))
                        .orderBy(LOGIN_REFUSAL.ATTEMPTED_AT)
                        .fetch(),
                rows -> rows.size() == 4);
        assertThat(refusals)
                .extracting(
                        r -> r.getUserName(),
                        r -> r.getAgentId(),
                        r -> r.getSqlstate(),
                        r -> r.getReason(),
                        r -> r.getDatabaseName())
                .containsExactly(
                        tuple(
                                "refused-bot",
                                agent,
                                "28P01",
                                "password authentication failed",
                                TestEnvironment.TARGET_NAME),
                        tuple("refused-nobody", null, "28P01", "no agent of that name", TestEnvironment.TARGET_NAME),
                        tuple(
                                "refused-revoked-bot",
                                revoked,
                                "28P01",
                                "the agent is disabled or revoked",
                                TestEnvironment.TARGET_NAME),
                        tuple(
                                "refused-bot",
                                agent,
                                "28000",
                                "agent \"refused-bot\" may connect only to database \"" + TestEnvironment.TARGET_NAME
                                        + "\"",
                                "postgres"));
        assertThat(refusals.getFirst().getApplicationName()).isEqualTo("guess");
        assertThat(refusals).allSatisfy(r -> {
            assertThat(r.getClientAddr()).isEqualTo("127.0.0.1");
            assertThat(r.getChainHash()).hasSize(32);
            assertThat(r.getLeaf()).isNotNull();
        });
        // Nothing secret reaches the trail.
        assertThat(refusals.toString()).doesNotContain("wrong-secret").doesNotContain("s3cret");
    }

    @Test
    void aTerminatedTargetBackendGivesTheClientItsFatalErrorNotAHang() throws Exception {
        env.agent("doomed-bot", "owner", "s3cret-doomed");
        try (Connection c = env.connect("doomed-bot", "s3cret-doomed");
                Statement s = c.createStatement()) {
            int backend;
            try (ResultSet rs = s.executeQuery("select pg_backend_pid()")) {
                rs.next();
                backend = rs.getInt(1);
            }
            try (Connection admin = env.postgres.superuserDataSource("postgres").getConnection();
                    Statement a = admin.createStatement()) {
                a.execute("select pg_terminate_backend(" + backend + ")");
            }
            assertThatThrownBy(() -> s.executeQuery("select 1"))
                    .isInstanceOf(SQLException.class)
                    .extracting(e -> ((SQLException) e).getSQLState())
                    .isIn("57P01", "08006");
        }
        // The gateway keeps serving.
        try (Connection c = env.connect("doomed-bot", "s3cret-doomed");
                ResultSet rs = c.createStatement().executeQuery("select 1")) {
            assertThat(rs.next()).isTrue();
        }
    }

    @Test
    void aStatementLeftRunningByAVanishedClientIsCancelledAtTheTargetAndItsOutcomeRecorded() throws Exception {
        UUID agent = env.agent("vanishing-bot", "owner", "s3cret-vanishing");
        String sleep = "select pg_sleep(60)";
        try (RawClient client = new RawClient(env.gateway.address().getPort())) {
            client.logIn("vanishing-bot", "s3cret-vanishing");
            client.send(RawClient.query(sleep));
            awaitRunningAtTarget(sleep);
        } // gone without a Terminate, as a killed process goes
        awaitNotRunningAtTarget(sleep);
        StatementViewRecord recorded = env.awaitOutcome(agent, sleep);
        assertThat(recorded.getOutcome()).isEqualTo("failed");
        assertThat(recorded.getSqlstate()).isEqualTo("57014");
        var cancel = env.store
                .selectFrom(CANCEL_REQUEST)
                .where(CANCEL_REQUEST.SESSION_ID.eq(recorded.getSessionId()))
                .fetchSingle();
        assertThat(cancel.getClientAddr()).as("cancelled by Vigil itself").isEqualTo("vigil");
        assertThat(cancel.getSeq()).isEqualTo(recorded.getSeq());
        var session = TestEnvironment.await(
                () -> env.store
                        .selectFrom(SESSION_VIEW)
                        .where(SESSION_VIEW.ID.eq(recorded.getSessionId()))
                        .fetchSingle(),
                r -> r.getEndedAt() != null);
        assertThat(session.getEndReason()).contains("the client left while a statement ran");
    }

    @Test
    void aCopyFromStdinLeftByAVanishedClientIsEndedAtTheTargetAtOnce() throws Exception {
        UUID agent = env.agent("copying-bot", "owner", "s3cret-copying");
        String copy = "copy copied_rows from stdin";
        try (RawClient client = new RawClient(env.gateway.address().getPort())) {
            client.logIn("copying-bot", "s3cret-copying");
            client.send(RawClient.query("create table copied_rows (n int)"));
            while (client.read().type() != 'Z') {
                // CommandComplete, ReadyForQuery
            }
            client.send(RawClient.query(copy));
            assertThat(client.read().type()).as("CopyInResponse").isEqualTo('G');
            client.send(RawClient.message('d', "1\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
        } // gone mid-COPY: PostgreSQL holds a cancel off while it waits for COPY data
        StatementViewRecord recorded = env.awaitOutcome(agent, copy);
        assertThat(recorded.getSqlstate()).isEqualTo("57014");
        // Ended by Vigil's CopyFail, or by its cancel when that reaches the backend between two
        // reads of COPY data (PostgreSQL holds a cancel off only while it waits for data): both at once.
        assertThat(recorded.getErrorMessage())
                .containsAnyOf("the client disconnected", "canceling statement due to user request");
        awaitNotRunningAtTarget(copy);
    }

    @Test
    void aStatementSentJustBeforeTerminateRunsToItsEndAndItsOutcomeIsRecorded() throws Exception {
        UUID agent = env.agent("leaving-bot", "owner", "s3cret-leaving");
        String work = "select count(*) from pg_sleep(1), generate_series(1, 3)";
        try (RawClient client = new RawClient(env.gateway.address().getPort())) {
            client.logIn("leaving-bot", "s3cret-leaving");
            // PostgreSQL runs the query, then reads the Terminate: so does the target behind Vigil.
            client.send(RawClient.query(work), RawClient.message('X', new byte[0]));
        }
        StatementViewRecord recorded = env.awaitOutcome(agent, work);
        assertThat(recorded.getOutcome()).isEqualTo("completed");
        assertThat(recorded.getCommandTag()).isEqualTo("SELECT 1");
        assertThat(env.store.fetchCount(CANCEL_REQUEST, CANCEL_REQUEST.SESSION_ID.eq(recorded.getSessionId())))
                .isZero();
    }

    @Test
    void endingASessionAlsoStopsTheStatementItIsRunning() throws Exception {
        UUID agent = env.agent("runaway-bot", "owner", "s3cret-runaway");
        String sleep = "select pg_sleep(61)";
        try (RawClient client = new RawClient(env.gateway.address().getPort())) {
            client.logIn("runaway-bot", "s3cret-runaway");
            client.send(RawClient.query(sleep));
            awaitRunningAtTarget(sleep);
            UUID session = onlySessionOf(agent);
            aliceAsksToEnd(session, "runaway query");
            assertThat(client.read().field('C')).isEqualTo("57P01");
        }
        awaitNotRunningAtTarget(sleep);
        StatementViewRecord recorded = env.awaitOutcome(agent, sleep);
        assertThat(recorded.getSqlstate()).isEqualTo("57014");
    }

    @Test
    void aStormOfCancelsForOneStatementReachesTheTargetOnceNotOnceEach() throws Exception {
        UUID agent = env.agent("storm-bot", "owner", "s3cret-storm");
        String sleep = "select pg_sleep(30)";
        int port = env.gateway.address().getPort();
        try (RawClient client = new RawClient(port)) {
            client.logIn("storm-bot", "s3cret-storm");
            client.send(RawClient.query(sleep));
            awaitRunningAtTarget(sleep);
            for (int i = 0; i < 300; i++) {
                try (java.net.Socket cancel = new java.net.Socket("127.0.0.1", port)) {
                    cancel.getOutputStream().write(RawClient.cancelRequest(client.backendKey()));
                }
            }
            assertThat(client.read().type()).as("RowDescription").isEqualTo('T');
            assertThat(client.read().field('C')).isEqualTo("57014");
            assertThat(client.read().type()).isEqualTo('Z');
        }
        UUID session = onlySessionOf(agent);
        TestEnvironment.await(
                () -> env.store.fetchCount(
                        SESSION_VIEW, SESSION_VIEW.ID.eq(session).and(SESSION_VIEW.ENDED_AT.isNotNull())),
                n -> n == 1);
        // Each cancel passed on costs the target a connection (a process): one for the statement (a
        // second only if the target took over a second to act on the first, as on a loaded machine).
        assertThat(env.store.fetchCount(CANCEL_REQUEST, CANCEL_REQUEST.SESSION_ID.eq(session)))
                .isBetween(1, 2);
    }

    @Test
    void revokingAnAgentEndsItsLiveSessionWithinASecondAndRefusesNewLogins() throws Exception {
        UUID agent = env.agent("revoked-bot", "owner", "s3cret-revoked");
        try (Connection c = env.connect("revoked-bot", "s3cret-revoked");
                Statement s = c.createStatement()) {
            s.execute("select 1");
            env.store
                    .update(AGENT)
                    .set(AGENT.STATUS, "revoked")
                    .where(AGENT.ID.eq(agent))
                    .execute();
            Ended ended = runUntilEnded(s);
            assertThat(ended.sqlState()).isEqualTo("57P01");
            assertThat(ended.after()).isLessThan(Duration.ofMillis(1_500));
        }
        SqlStates.assertFailsWith(
                "28P01", () -> env.connect("revoked-bot", "s3cret-revoked").close());
        var session = TestEnvironment.await(
                () -> env.store
                        .selectFrom(SESSION_VIEW)
                        .where(SESSION_VIEW.AGENT_ID.eq(agent))
                        .fetchSingle(),
                r -> r.getEndedAt() != null);
        assertThat(session.getEndReason()).contains("revoked");
    }

    @Test
    void anAdministratorEndsOneSessionWithinASecondAndTheAgentsOtherSessionGoesOn() throws Exception {
        UUID agent = env.agent("ended-bot", "owner", "s3cret-ended");
        try (Connection ended = env.connect(
                        "ended-bot", "s3cret-ended", "ApplicationName", "to-end", "assumeMinServerVersion", "15");
                Connection other = env.connect("ended-bot", "s3cret-ended");
                Statement s = ended.createStatement()) {
            s.execute("select 1");
            UUID session = TestEnvironment.await(
                    () -> env.store
                            .select(SESSION_VIEW.ID)
                            .from(SESSION_VIEW)
                            .where(SESSION_VIEW.AGENT_ID.eq(agent))
                            .and(SESSION_VIEW.APPLICATION_NAME.eq("to-end"))
                            .fetchOne(SESSION_VIEW.ID),
                    java.util.Objects::nonNull);
            aliceAsksToEnd(session, "runaway loop");
            Ended byAdmin = runUntilEnded(s);
            assertThat(byAdmin.sqlState()).isEqualTo("57P01");
            assertThat(byAdmin.message()).contains("session ended by alice in Vigil: runaway loop");
            assertThat(byAdmin.after()).isLessThan(Duration.ofMillis(1_500));
            try (Statement still = other.createStatement();
                    ResultSet rs = still.executeQuery("select 42")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt(1)).isEqualTo(42);
            }
            var closed = TestEnvironment.await(
                    () -> env.store
                            .selectFrom(SESSION_VIEW)
                            .where(SESSION_VIEW.ID.eq(session))
                            .fetchSingle(),
                    r -> r.getEndedAt() != null);
            assertThat(closed.getEndReason()).contains("session ended by alice");
        }
    }

    @Test
    @SuppressWarnings("deprecation") // pgjdbc's Fastpath API is how a client sends FunctionCall
    void aFunctionCallIsRefusedWithAnErrorAndTheSessionGoesOn() throws Exception {
        env.agent("fastpath-bot", "owner", "s3cret-fastpath");
        try (Connection c = env.connect("fastpath-bot", "s3cret-fastpath")) {
            org.postgresql.fastpath.Fastpath fastpath =
                    c.unwrap(org.postgresql.PGConnection.class).getFastpathAPI();
            SqlStates.assertFailsWith(
                    "0A000",
                    () -> fastpath.fastpath(
                            1598 /* md5(text) */,
                            new org.postgresql.fastpath.FastpathArg[] {new org.postgresql.fastpath.FastpathArg("x")}));
            try (ResultSet rs = c.createStatement().executeQuery("select 7")) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(7);
            }
        }
    }

    @Test
    void anIdleSessionIsEndedButALongStatementIsNot() throws Exception {
        env.agent("idle-bot", "owner", "s3cret-idle");
        try (Connection c = env.connect("idle-bot", "s3cret-idle");
                Statement s = c.createStatement()) {
            s.execute("select pg_sleep(4)"); // longer than the 3 s idle timeout, but in flight
            Thread.sleep(4_000);
            SqlStates.assertFailsWith("57P05", () -> s.execute("select 1"));
        }
    }

    /** How a session the gateway ended answered the next statement, and how long that took. */
    record Ended(String sqlState, String message, Duration after) {}

    /** Runs {@code select 1} every 50 ms until the session fails (at most 5 s). */
    private static Ended runUntilEnded(Statement s) throws InterruptedException {
        long start = System.nanoTime();
        while (System.nanoTime() - start < Duration.ofSeconds(5).toNanos()) {
            try {
                s.execute("select 1");
                Thread.sleep(50);
            } catch (SQLException e) {
                return new Ended(e.getSQLState(), e.getMessage(), Duration.ofNanos(System.nanoTime() - start));
            }
        }
        return new Ended("still running", "", Duration.ofSeconds(5));
    }

    @Test
    void aClientThatStopsReadingIsStillEndedAndItsStatementStopped() throws Exception {
        UUID agent = env.agent("stalled-bot", "owner", "s3cret-stalled");
        String flood = "select repeat('x', 1000), g from generate_series(1, 10000000) g";
        try (RawClient client = new RawClient(env.gateway.address().getPort())) {
            client.logIn("stalled-bot", "s3cret-stalled");
            client.send(RawClient.query(flood)); // and never reads the answer
            awaitRunningAtTarget(flood);
            UUID session = onlySessionOf(agent);
            Thread.sleep(2_000); // every buffer on the way to the client fills up
            aliceAsksToEnd(session, "stalled");
            // Its FATAL error waits behind everything it did not read: it is cut off all the same.
            awaitNotRunningAtTarget(flood);
            var ended = TestEnvironment.await(
                    () -> env.store
                            .selectFrom(SESSION_VIEW)
                            .where(SESSION_VIEW.ID.eq(session))
                            .fetchSingle(),
                    r -> r.getEndedAt() != null);
            assertThat(ended.getEndReason()).contains("session ended by alice");
        }
    }

    private static UUID onlySessionOf(UUID agent) throws InterruptedException {
        return TestEnvironment.await(
                () -> env.store
                        .select(SESSION_VIEW.ID)
                        .from(SESSION_VIEW)
                        .where(SESSION_VIEW.AGENT_ID.eq(agent))
                        .fetchOne(SESSION_VIEW.ID),
                java.util.Objects::nonNull);
    }

    /** What the web app does when an administrator ends a session. */
    private static void aliceAsksToEnd(UUID session, String reason) {
        env.store
                .insertInto(SESSION_END_REQUEST)
                .set(SESSION_END_REQUEST.SESSION_ID, session)
                .set(SESSION_END_REQUEST.REQUESTED_BY, "alice")
                .set(SESSION_END_REQUEST.REQUESTED_AT, java.time.OffsetDateTime.now())
                .set(SESSION_END_REQUEST.REASON, reason)
                .execute();
    }

    /** Waits until the target is running {@code sql}, so a cancel has something to cancel. */
    static void awaitRunningAtTarget(String sql) throws Exception {
        awaitTargetBackends("state = 'active' and query = ?", sql, n -> n > 0);
    }

    /** Until no backend at the target is left that last ran {@code sql}: it ended and went. */
    static void awaitNotRunningAtTarget(String sql) throws Exception {
        awaitTargetBackends("backend_type = 'client backend' and query = ?", sql, n -> n == 0);
    }

    private static void awaitTargetBackends(String condition, String sql, java.util.function.IntPredicate done)
            throws Exception {
        try (Connection admin = env.postgres.superuserDataSource("postgres").getConnection();
                PreparedStatement running =
                        admin.prepareStatement("select count(*) from pg_stat_activity where " + condition)) {
            running.setString(1, sql);
            TestEnvironment.await(
                    () -> {
                        try (ResultSet rs = running.executeQuery()) {
                            rs.next();
                            return rs.getInt(1);
                        } catch (SQLException e) {
                            throw new IllegalStateException(e);
                        }
                    },
                    done::test);
        }
    }

    private static List<StatementViewRecord> statementsOf(UUID agent) {
        return env.statementsOf(agent);
    }
}
