package io.vigil.proxy;

import static io.vigil.db.jooq.Tables.APPROVAL_REQUEST;
import static io.vigil.db.jooq.Tables.PERSON_ACTION;
import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.db.jooq.tables.records.ApprovalRequestRecord;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A statement policy sends for review waits in the agent's live session until a person decides in
 * the store (as the web app writes it): approved, it runs as sent and the session goes on; denied,
 * the agent gets 42501 with the approver's reason; nobody deciding in time denies it; a cancel
 * ends the wait with 57014; a client that leaves withdraws it. What the client sent after it waits,
 * in order. A wait is not idleness.
 */
class ApprovalHoldIT {

    private static final String POLICY = """
            {"name": "careful", "rules": [
              {"name": "review-updates", "effect": "review", "when": "command == 'UpdateStmt'",
               "message": "updates need a person", "approval": {"count_rows": true}},
              {"name": "review-deletes", "effect": "review", "when": "command == 'DeleteStmt'",
               "message": "deletes need a person"}]}""";

    /** Longer than the environment's 3 s idle timeout, short enough to watch expire. */
    private static final Duration LIMIT = Duration.ofSeconds(5);

    @TempDir
    static Path dir;

    static TestEnvironment env;
    static UUID agent;

    @BeforeAll
    static void start() {
        env = TestEnvironment.withApprovals(dir.resolve("pg"), LIMIT);
        agent = env.agent("careful-bot", "owner@example.com", "s3cret-careful");
        env.policyVersion("careful", POLICY, "enforce");
    }

    @AfterAll
    static void stop() {
        env.close();
    }

    @BeforeEach
    void items() throws SQLException {
        try (Connection c = env.postgres.superuserDataSource("shop").getConnection();
                Statement s = c.createStatement()) {
            s.execute("drop table if exists items");
            s.execute("create table items (id int primary key, n int not null)");
            s.execute("insert into items select g, 0 from generate_series(1, 3) g");
            s.execute("grant all on items to " + TestEnvironment.UPSTREAM_ROLE);
        }
    }

    private RawClient loggedIn() throws Exception {
        RawClient client = new RawClient(env.gateway.address().getPort());
        client.logIn("careful-bot", "s3cret-careful");
        return client;
    }

    private static ApprovalRequestRecord pending(String sql) throws InterruptedException {
        return TestEnvironment.await(
                () -> env.store
                        .selectFrom(APPROVAL_REQUEST)
                        .where(APPROVAL_REQUEST.SQL_TEXT.eq(sql))
                        .and(APPROVAL_REQUEST.STATE.eq("pending"))
                        .fetchOne(),
                r -> r != null);
    }

    /** The pending request for {@code sql}, once Vigil has measured its statement. */
    private static ApprovalRequestRecord measured(String sql) throws InterruptedException {
        return TestEnvironment.await(
                () -> env.store
                        .selectFrom(APPROVAL_REQUEST)
                        .where(APPROVAL_REQUEST.SQL_TEXT.eq(sql))
                        .and(APPROVAL_REQUEST.STATE.eq("pending"))
                        .and(APPROVAL_REQUEST.MEASURED_AT.isNotNull())
                        .fetchOne(),
                r -> r != null);
    }

    /** What the trail keeps of Vigil's actions on a request, in order. */
    private static List<String> actions(UUID request) {
        return env.store
                .select(PERSON_ACTION.ACTION)
                .from(PERSON_ACTION)
                .where(PERSON_ACTION.SUBJECT_ID.eq(request))
                .and(PERSON_ACTION.ACTOR.eq("vigil"))
                .and(PERSON_ACTION.DETAIL.notContains("items"))
                .orderBy(PERSON_ACTION.ACTED_AT)
                .fetch(PERSON_ACTION.ACTION);
    }

    private static ApprovalRequestRecord request(UUID id) {
        return env.store.fetchSingle(APPROVAL_REQUEST, APPROVAL_REQUEST.ID.eq(id));
    }

    /** What the web app writes when a person decides. */
    private static void decide(UUID id, boolean approve, String reason) {
        env.store
                .update(APPROVAL_REQUEST)
                .set(APPROVAL_REQUEST.STATE, approve ? "approved" : "denied")
                .set(APPROVAL_REQUEST.DECIDED_BY, "approver@example.com")
                .set(APPROVAL_REQUEST.DECIDED_AT, OffsetDateTime.now())
                .set(APPROVAL_REQUEST.DECISION_REASON, reason)
                .where(APPROVAL_REQUEST.ID.eq(id))
                .execute();
    }

    private static int n(int id) throws SQLException {
        try (Connection c = env.postgres.superuserDataSource("shop").getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select n from items where id = " + id)) {
            rs.next();
            return rs.getInt(1);
        }
    }

    @Test
    void approvedItRunsAsSentAndWhatWasPipelinedBehindItFollowsInOrder() throws Exception {
        UUID id;
        try (RawClient client = loggedIn()) {
            client.send(
                    RawClient.query("update items set n = 7 where id = 1"),
                    RawClient.query("select n from items where id = 1"));
            ApprovalRequestRecord request = pending("update items set n = 7 where id = 1");
            id = request.getId();
            assertThat(request.getHeld()).isTrue();
            assertThat(request.getRule()).isEqualTo("review-updates");
            assertThat(request.getRuleMessage()).isEqualTo("updates need a person");
            assertThat(request.getAgentId()).isEqualTo(agent);
            Thread.sleep(LIMIT.toMillis() * 3 / 4); // past the 3 s idle timeout: a wait is not idleness
            assertThat(n(1)).as("nothing reached the target").isZero();

            long decided = System.nanoTime();
            decide(request.getId(), true, "");

            assertThat(replies(client)).containsExactly("C UPDATE 1", "Z I");
            long reactionMillis = (System.nanoTime() - decided) / 1_000_000;
            System.out.println("approval reached the session in " + reactionMillis + " ms");
            // The bar is one second; the margin is for a loaded two-core machine.
            assertThat(reactionMillis).as("the decision reaches the session").isLessThan(2_000);
            assertThat(replies(client)).as("then what followed it").containsExactly("T", "D 7", "C SELECT 1", "Z I");
            TestEnvironment.await(() -> request(request.getId()).getState(), "released"::equals);
            assertThat(request(request.getId()).getStatementSeq())
                    .as("linked to the statement that ran")
                    .isNotNull();
        }
        assertThat(n(1)).isEqualTo(7);
        assertThat(TestEnvironment.<List<String>>await(() -> actions(id), a -> a.size() == 4))
                .as("the trail keeps the request, Vigil's count and measure, and the release, without the statement's"
                        + " text")
                .containsExactly("approval.request", "approval.count", "approval.measure", "approval.released");
    }

    @Test
    void aJdbcBatchWaitsWholeBehindItsHeldStatementAndRunsInOrderOnceApproved() throws Exception {
        try (Connection c = env.connect("careful-bot", "s3cret-careful", "preferQueryMode", "extended");
                Statement s = c.createStatement()) {
            s.execute("create temporary table seen (n int)");
            s.addBatch("update items set n = 5 where id = 2");
            s.addBatch("insert into seen select n from items where id = 2");
            s.addBatch("insert into seen values (6)");
            CompletableFuture<int[]> batch = CompletableFuture.supplyAsync(() -> {
                try {
                    return s.executeBatch();
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            ApprovalRequestRecord request = pending("update items set n = 5 where id = 2");
            Thread.sleep(500);
            assertThat(batch).as("the whole batch waits").isNotDone();

            decide(request.getId(), true, "");

            assertThat(batch.get()).containsExactly(1, 1, 1);
            List<Integer> seen = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("select n from seen")) {
                while (rs.next()) {
                    seen.add(rs.getInt(1));
                }
            }
            assertThat(seen).as("in order: the insert saw the approved update").containsExactly(5, 6);

            // Approved once: the same statement again waits again.
            CompletableFuture<SQLException> again = CompletableFuture.supplyAsync(() -> {
                try {
                    s.executeUpdate("update items set n = 5 where id = 2");
                    return null;
                } catch (SQLException e) {
                    return e;
                }
            });
            decide(pending("update items set n = 5 where id = 2").getId(), false, "once was enough");
            assertThat(again.get().getMessage()).contains("once was enough");
        }
    }

    @Test
    void whatArrivedWhileAHeldParseWasReadWaitsWithItAndTheApprovalIsForItsValuesInItsPipeline() throws Exception {
        // Long enough to be parsed on a parser thread: the Bind, Execute and Sync wait meanwhile.
        String sql = "update items set n = $1 where id = 1 /* " + "x".repeat(5_000) + " */";
        try (RawClient client = loggedIn()) {
            client.send(RawClient.parse(sql), RawClient.bind("4"), RawClient.execute(0), RawClient.sync());
            UUID id = TestEnvironment.await(
                            () -> env.store
                                    .selectFrom(APPROVAL_REQUEST)
                                    .where(APPROVAL_REQUEST.STATE.eq("pending"))
                                    .and(APPROVAL_REQUEST.SQL_TEXT.startsWith("update items set n = $1"))
                                    .fetchOne(),
                            r -> r != null)
                    .getId();
            assertThat(request(id).getParameters())
                    .as("the values the approver sees")
                    .containsExactly("4");
            Thread.sleep(500);
            assertThat(n(1)).as("nothing of the pipeline reached the target").isZero();

            decide(id, true, "");
            assertThat(replies(client)).containsExactly("1", "2", "C UPDATE 1", "Z I");
            assertThat(n(1)).isEqualTo(4);
            assertThat(TestEnvironment.await(
                                    () -> request(id), r -> r.getState().equals("released"))
                            .getStatementSeq())
                    .as("linked to its Execute, where it ran")
                    .isNotNull();

            // Another run of the same statement, in a pipeline of its own: not what was approved.
            client.send(RawClient.bind("5"), RawClient.execute(0), RawClient.sync());
            assertThat(replies(client))
                    .as("refused: an approval is for its own pipeline and values")
                    .anyMatch(reply -> reply.startsWith("E 42501 needs a person's approval"));
        }
        assertThat(n(1)).isEqualTo(4);
    }

    @Test
    void beyondFiveWaitingStatementsAnAgentsReviewMeansDeny() throws Exception {
        // Requests other tests left undecided count too, until they expire.
        TestEnvironment.await(
                () -> env.store.fetchCount(APPROVAL_REQUEST, APPROVAL_REQUEST.STATE.eq("pending")), n -> n == 0);
        List<RawClient> waiting = new ArrayList<>();
        try {
            for (int i = 1; i <= 5; i++) {
                RawClient client = loggedIn();
                waiting.add(client);
                client.send(RawClient.query("update items set n = " + i + " where id = 3"));
                pending("update items set n = " + i + " where id = 3");
            }
            try (RawClient sixth = loggedIn()) {
                sixth.send(RawClient.query("update items set n = 6 where id = 3"));
                assertThat(replies(sixth).getFirst())
                        .startsWith("E 42501 needs a person's approval")
                        .contains("5 statements of this agent already wait for a person");
            }
        } finally {
            for (RawClient client : waiting) {
                client.close();
            }
        }
        assertThat(n(3)).isZero();
    }

    @Test
    void deniedTheAgentHearsWhyAndTheSessionGoesOn() throws Exception {
        try (RawClient client = loggedIn()) {
            client.send(RawClient.query("update items set n = 8 where id = 2"));
            ApprovalRequestRecord request = pending("update items set n = 8 where id = 2");
            decide(request.getId(), false, "not during the freeze");

            List<String> denied = replies(client);
            assertThat(denied).containsExactly("E 42501 denied by approver@example.com: not during the freeze", "Z I");
            TestEnvironment.await(() -> request(request.getId()).getStatementSeq(), seq -> seq != null);
            client.send(RawClient.query("select 1"));
            assertThat(replies(client)).containsExactly("T", "D 1", "C SELECT 1", "Z I");
        }
        assertThat(n(2)).isZero();
        StatementViewRecordAssert.refused(env.awaitOutcome(agent, "update items set n = 8 where id = 2"));
    }

    @Test
    void nobodyDecidingInTimeDeniesIt() throws Exception {
        try (RawClient client = loggedIn()) {
            client.send(RawClient.query("update items set n = 9 where id = 3"));
            UUID id = pending("update items set n = 9 where id = 3").getId();
            assertThat(replies(client))
                    .containsExactly("E 42501 nobody approved it within 5 seconds, so it was not run", "Z I");
            assertThat(request(id).getState()).isEqualTo("expired");
            TestEnvironment.await(() -> request(id).getStatementSeq(), seq -> seq != null);
            assertThat(TestEnvironment.<List<String>>await(() -> actions(id), a -> a.size() == 4))
                    .containsExactly("approval.request", "approval.count", "approval.measure", "approval.expired");
        }
        assertThat(n(3)).isZero();
    }

    @Test
    void aCancelEndsTheWaitAndALeavingClientWithdrawsIt() throws Exception {
        try (Connection c = env.connect("careful-bot", "s3cret-careful", "preferQueryMode", "simple");
                Statement s = c.createStatement()) {
            CompletableFuture<SQLException> update = CompletableFuture.supplyAsync(() -> {
                try {
                    s.executeUpdate("update items set n = 10 where id = 1");
                    return null;
                } catch (SQLException e) {
                    return e;
                }
            });
            UUID id = pending("update items set n = 10 where id = 1").getId();
            s.cancel();
            assertThat(update.get().getSQLState()).isEqualTo("57014");
            TestEnvironment.await(() -> request(id).getState(), "withdrawn"::equals);
            try (ResultSet rs = s.executeQuery("select 1")) {
                assertThat(rs.next()).as("the session goes on").isTrue();
            }
        }

        UUID gone;
        try (RawClient client = loggedIn()) {
            client.send(RawClient.query("update items set n = 11 where id = 1"));
            gone = pending("update items set n = 11 where id = 1").getId();
        }
        TestEnvironment.await(() -> request(gone).getState(), "withdrawn"::equals);
        decide(gone, true, "too late");
        Thread.sleep(1_000);
        assertThat(n(1)).as("an approval after the client left runs nothing").isZero();
    }

    @Test
    void insideATransactionItIsRefusedWithItsRequestAndRunsOnceOnRetryOnceApproved() throws Exception {
        String sql = "update items set n = 12 where id = 1";
        UUID id;
        try (Connection c = env.connect("careful-bot", "s3cret-careful", "preferQueryMode", "simple");
                Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            SQLException refused = refusal(s, sql);
            assertThat(refused.getSQLState()).isEqualTo("42501");
            ApprovalRequestRecord request = pending(sql);
            id = request.getId();
            assertThat(request.getHeld())
                    .as("it never waited: a transaction's locks are not held")
                    .isFalse();
            assertThat(refused.getMessage())
                    .as("the agent is told which request to have approved, and where")
                    .contains("request " + id + " (https://vigil.example/approvals)")
                    .contains("send the same statement again within 5 seconds");
            c.rollback();

            // Sent again before anyone decided: refused, naming the same request.
            assertThat(refusal(s, sql).getMessage()).contains("request " + id + " (");
            c.rollback();
            assertThat(env.store.fetchCount(APPROVAL_REQUEST, APPROVAL_REQUEST.SQL_TEXT.eq(sql)))
                    .isOne();

            decide(id, true, "one-off fix");
            Thread.sleep(1_000); // the decision reaches the gateway within a second

            assertThat(s.executeUpdate(sql)).as("approved: it runs on retry").isOne();
            c.commit();
            assertThat(n(1)).isEqualTo(12);
            ApprovalRequestRecord used =
                    TestEnvironment.await(() -> request(id), r -> r.getState().equals("used"));
            assertThat(used.getStatementSeq())
                    .as("linked to the statement that ran")
                    .isNotNull();

            assertThat(refusal(s, sql).getMessage())
                    .as("once: the same statement again needs a new approval")
                    .contains("request ")
                    .doesNotContain(id.toString());
            c.rollback();
        }
        assertThat(TestEnvironment.<List<String>>await(() -> actions(id), a -> a.size() == 2))
                .containsExactly("approval.request", "approval.used");
    }

    @Test
    void aPreparedStatementRunAgainIsRefusedWithARequestForItsValuesAndRunsOnceApproved() throws Exception {
        String sql = "update items set n = $1 where id = 2";
        try (Connection c = env.connect("careful-bot", "s3cret-careful", "prepareThreshold", "1");
                java.sql.PreparedStatement update = c.prepareStatement("update items set n = ? where id = 2")) {
            c.setAutoCommit(false);
            update.setInt(1, 13);
            assertThat(refusal(update).getMessage()).contains("asks for one: once approved");
            c.rollback();
            ApprovalRequestRecord request = pending(sql);
            assertThat(request.getHeld()).isFalse();
            assertThat(request.getParameters())
                    .as("the values the approver sees")
                    .hasSize(1);
            decide(request.getId(), true, "");
            Thread.sleep(1_000);

            update.setInt(1, 14);
            assertThat(refusal(update).getMessage())
                    .as("other values: not what was approved")
                    .doesNotContain(request.getId().toString());
            c.rollback();
            update.setInt(1, 13);
            assertThat(update.executeUpdate()).isOne();
            c.commit();
            assertThat(n(2)).isEqualTo(13);
            assertThat(refusal(update).getMessage())
                    .as("used once")
                    .doesNotContain(request.getId().toString());
            c.rollback();
        }
    }

    @Test
    void theApproverSeesThePlanAndTheRowsItWouldChangeWhichIsWhatItThenChanges() throws Exception {
        try (RawClient client = loggedIn()) {
            client.send(RawClient.query("update items set n = n + 1 where id <= 2"));
            ApprovalRequestRecord request = measured("update items set n = n + 1 where id <= 2");
            assertThat(request.getExactRows())
                    .as("counted in a transaction rolled back at once")
                    .isEqualTo(2);
            assertThat(request.getEstimatedRows())
                    .as("the planner's estimate, said to be one")
                    .isNotNull();
            assertThat(request.getPlan()).contains("Update on items");
            assertThat(n(1)).as("the count was rolled back").isZero();
            TestEnvironment.await(() -> actions(request.getId()), a -> a.contains("approval.measure"));

            decide(request.getId(), true, "");
            assertThat(replies(client))
                    .as("what it changed is what the approver was shown")
                    .containsExactly("C UPDATE 2", "Z I");
        }
        assertThat(n(1)).isOne();

        try (RawClient client = loggedIn()) {
            // With values, as a driver sends them: planned and counted with them.
            client.send(
                    RawClient.parse("update items set n = $1 where id = $2"),
                    RawClient.bind("5", "3"),
                    RawClient.execute(0),
                    RawClient.sync());
            ApprovalRequestRecord request = measured("update items set n = $1 where id = $2");
            assertThat(request.getExactRows())
                    .as(request.getBlastNote() + " | " + request.getPlan())
                    .isOne();
            decide(request.getId(), false, "no");
            assertThat(replies(client)).first().asString().startsWith("E 42501");
        }
        assertThat(n(3)).isZero();
    }

    @Test
    void whatARollbackWouldNotUndoIsNotCountedAndTheRuleDecidesWhetherToCount() throws Exception {
        try (RawClient client = loggedIn()) {
            client.send(RawClient.query("update items set n = (random() * 10)::int where id = 1"));
            ApprovalRequestRecord request = measured("update items set n = (random() * 10)::int where id = 1");
            assertThat(request.getExactRows()).isNull();
            assertThat(request.getBlastNote()).contains("volatile function");
            assertThat(request.getEstimatedRows()).as("still planned").isNotNull();
        }
        try (RawClient client = loggedIn()) {
            client.send(RawClient.query("delete from items where id = 1"));
            ApprovalRequestRecord request = measured("delete from items where id = 1");
            assertThat(request.getExactRows()).isNull();
            assertThat(request.getBlastNote()).contains("the rule does not allow it");
        }
        assertThat(n(1)).isZero();
    }

    @Test
    void aStandingApprovalRunsItsStatementWithoutAskingUntilUsedUpOrWithdrawn() throws Exception {
        UUID twice = standing("update items set n = 20 where id = 1", null, 2, null);
        UUID untilWithdrawn = standing(
                "update items set n = $1 where id = 2",
                null,
                null,
                OffsetDateTime.now().plusHours(1));
        Thread.sleep(1_000); // the gateway reads standing approvals every quarter second

        try (RawClient client = loggedIn()) {
            client.send(RawClient.query("update items set n = 20 where id = 1"));
            assertThat(replies(client)).as("standing: it runs at once").containsExactly("C UPDATE 1", "Z I");
        }
        try (Connection c = env.connect("careful-bot", "s3cret-careful", "preferQueryMode", "simple");
                Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            assertThat(s.executeUpdate("update items set n = 20 where id = 1"))
                    .as("inside a transaction too")
                    .isOne();
            c.commit();
            assertThat(refusal(s, "update items set n = 20 where id = 1").getMessage())
                    .as("used up: a person is asked again")
                    .contains("asks for one");
            c.rollback();
        }
        ApprovalRequestRecord asked = pending("update items set n = 20 where id = 1");
        assertThat(asked).isNotNull();
        TestEnvironment.await(
                () -> env.store
                        .selectFrom(io.vigil.db.jooq.Tables.STANDING_APPROVAL)
                        .where(io.vigil.db.jooq.Tables.STANDING_APPROVAL.ID.eq(twice))
                        .fetchSingle(),
                r -> r.getUses() == 2 && r.getUsesLeft() == 0);

        try (Connection c = env.connect("careful-bot", "s3cret-careful");
                java.sql.PreparedStatement update = c.prepareStatement("update items set n = ? where id = 2")) {
            update.setInt(1, 21);
            assertThat(update.executeUpdate()).as("values free: any values run").isOne();
            assertThat(n(2)).isEqualTo(21);
            env.store
                    .update(io.vigil.db.jooq.Tables.STANDING_APPROVAL)
                    .set(io.vigil.db.jooq.Tables.STANDING_APPROVAL.WITHDRAWN_BY, "admin@example.com")
                    .set(io.vigil.db.jooq.Tables.STANDING_APPROVAL.WITHDRAWN_AT, OffsetDateTime.now())
                    .where(io.vigil.db.jooq.Tables.STANDING_APPROVAL.ID.eq(untilWithdrawn))
                    .execute();
            Thread.sleep(1_000); // a withdrawal bites within a second
            update.setInt(1, 22);
            CompletableFuture<Integer> held = CompletableFuture.supplyAsync(() -> {
                try {
                    return update.executeUpdate();
                } catch (SQLException e) {
                    return -1;
                }
            });
            ApprovalRequestRecord request = pending("update items set n = $1 where id = 2");
            assertThat(held).as("withdrawn: it waits for a person again").isNotDone();
            decide(request.getId(), false, "no longer standing");
            assertThat(held.get()).isEqualTo(-1);
        }
        assertThat(n(2)).isEqualTo(21);
        TestEnvironment.await(
                () -> env.store
                        .selectFrom(PERSON_ACTION)
                        .where(PERSON_ACTION.ACTION.eq("approval.standing-use"))
                        .fetch()
                        .size(),
                n -> n == 3);
    }

    /** What the web app writes when an administrator grants a standing approval. */
    private static UUID standing(String sql, List<String> values, Integer uses, OffsetDateTime until) {
        UUID id = UUID.randomUUID();
        env.store
                .insertInto(io.vigil.db.jooq.Tables.STANDING_APPROVAL)
                .set(io.vigil.db.jooq.Tables.STANDING_APPROVAL.ID, id)
                .set(io.vigil.db.jooq.Tables.STANDING_APPROVAL.AGENT_ID, agent)
                .set(io.vigil.db.jooq.Tables.STANDING_APPROVAL.SQL_TEXT, sql)
                .set(
                        io.vigil.db.jooq.Tables.STANDING_APPROVAL.PARAMETERS,
                        values == null ? null : values.toArray(String[]::new))
                .set(io.vigil.db.jooq.Tables.STANDING_APPROVAL.USES_LEFT, uses)
                .set(io.vigil.db.jooq.Tables.STANDING_APPROVAL.VALID_UNTIL, until)
                .set(io.vigil.db.jooq.Tables.STANDING_APPROVAL.POLICY, "careful")
                .set(io.vigil.db.jooq.Tables.STANDING_APPROVAL.RULE, "review-updates")
                .set(io.vigil.db.jooq.Tables.STANDING_APPROVAL.GRANTED_BY, "admin@example.com")
                .set(io.vigil.db.jooq.Tables.STANDING_APPROVAL.GRANTED_AT, OffsetDateTime.now())
                .set(io.vigil.db.jooq.Tables.STANDING_APPROVAL.REASON, "nightly fix")
                .execute();
        return id;
    }

    @Test
    void aParsedStatementRunBySqlExecuteIsJudgedAsWhatItRuns() throws Exception {
        try (RawClient client = loggedIn()) {
            client.send(RawClient.query("begin"));
            assertThat(replies(client)).containsExactly("C BEGIN", "Z T");
            // Inside a transaction the Parse goes on, its review decided where it runs.
            client.send(RawClient.parse("s1", "update items set n = 30 where id = 1"), RawClient.sync());
            assertThat(replies(client)).containsExactly("1", "Z T");
            client.send(RawClient.query("execute s1"));
            assertThat(replies(client).getFirst())
                    .as("EXECUTE runs the update: it needs a person, as the update would")
                    .startsWith("E 42501 needs a person's approval");
            client.send(RawClient.query("rollback"));
            replies(client);
        }
        assertThat(n(1)).isZero();
    }

    @Test
    void aStatementPreparedWithoutItsValuesIsDecidedWhereItRunsAsAsyncpgPreparesFirst() throws Exception {
        String sql = "update items set n = $1 where id = 3";
        try (RawClient client = loggedIn()) {
            // Parse and Sync first, as asyncpg prepares: nothing to show an approver the values of.
            client.send(RawClient.parse("__asyncpg_stmt_1__", sql), RawClient.sync());
            assertThat(replies(client))
                    .as("a Parse alone runs nothing: it goes")
                    .containsExactly("1", "Z I");
            client.send(RawClient.bindTo("__asyncpg_stmt_1__", "9"), RawClient.execute(0), RawClient.sync());
            assertThat(replies(client))
                    .as("refused where it runs, with a request for its values")
                    .anyMatch(r -> r.startsWith("E 42501 needs a person's approval") && r.contains("asks for one"));
            ApprovalRequestRecord request = pending(sql);
            assertThat(request.getParameters()).containsExactly("9");
            decide(request.getId(), true, "");
            Thread.sleep(1_000);
            client.send(RawClient.bindTo("__asyncpg_stmt_1__", "9"), RawClient.execute(0), RawClient.sync());
            assertThat(replies(client)).as("approved: it runs once").containsExactly("2", "C UPDATE 1", "Z I");
        }
        assertThat(n(3)).isEqualTo(9);
    }

    private static SQLException refusal(Statement s, String sql) {
        try {
            s.executeUpdate(sql);
        } catch (SQLException e) {
            return e;
        }
        throw new AssertionError("it ran: " + sql);
    }

    private static SQLException refusal(java.sql.PreparedStatement s) {
        try {
            s.executeUpdate();
        } catch (SQLException e) {
            return e;
        }
        throw new AssertionError("it ran");
    }

    /** Replies up to ReadyForQuery: type, and for errors SQLSTATE and message, for rows the first value. */
    private static List<String> replies(RawClient client) throws Exception {
        List<String> replies = new ArrayList<>();
        RawClient.Reply reply;
        do {
            reply = client.read();
            byte[] body = reply.body();
            replies.add(
                    switch (reply.type()) {
                        case 'E' -> "E " + reply.field('C') + " " + reply.field('M');
                        case 'C' -> "C " + new String(body, 0, body.length - 1, StandardCharsets.UTF_8);
                        case 'Z' -> "Z " + (char) body[0];
                        case 'D' -> "D " + new String(body, 6, body.length - 6, StandardCharsets.UTF_8);
                        default -> String.valueOf(reply.type());
                    });
        } while (reply.type() != 'Z');
        return replies.stream().filter(r -> !r.equals("N")).toList();
    }

    /** What the trail says of a statement a person did not let run. */
    private static final class StatementViewRecordAssert {
        static void refused(io.vigil.db.jooq.tables.records.StatementViewRecord record) {
            assertThat(record.getOutcome()).isEqualTo("refused");
            assertThat(record.getSqlstate()).isEqualTo("42501");
            assertThat(record.getErrorMessage()).contains("denied by approver@example.com");
        }
    }
}
