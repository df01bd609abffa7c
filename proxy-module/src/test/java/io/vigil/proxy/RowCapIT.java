package io.vigil.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.db.jooq.tables.records.StatementViewRecord;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The row-count guard on the wire: under a policy that caps changed rows at 5, a statement that
 * would change more is rolled back, the agent gets ErrorResponse 42501 with the count and the cap,
 * and the session goes on; one within the cap gets exactly what PostgreSQL said. In autocommit, in
 * an explicit transaction (left aborted, as by any error), in a pipeline (what follows waits, and is
 * skipped to Sync above the cap), with RETURNING (rows held until the count is known).
 */
class RowCapIT {

    private static final String POLICY = """
            {"name": "capped", "rules": [
              {"name": "no-drop", "effect": "deny", "when": "'drop' in traits", "message": "no"},
              {"name": "cap-five", "effect": "cap", "rows": 5, "when": "kind == 'write'",
               "message": "five rows at most"}]}""";

    @TempDir
    static Path dir;

    static TestEnvironment env;
    static UUID agent;

    @BeforeAll
    static void start() {
        env = new TestEnvironment(dir.resolve("pg"));
        agent = env.agent("capped-bot", "owner@example.com", "s3cret-capped");
        env.policyVersion("capped", POLICY, "enforce");
    }

    @AfterAll
    static void stop() {
        env.close();
    }

    @BeforeEach
    void twentyItems() throws SQLException {
        try (Connection c = env.postgres.superuserDataSource("shop").getConnection();
                Statement s = c.createStatement()) {
            s.execute("drop table if exists parts, items");
            s.execute("create table items (id int primary key, n int not null)");
            s.execute("insert into items select g, 0 from generate_series(1, 20) g");
            s.execute("create table parts (id int primary key, item int references items on delete cascade)");
            s.execute("insert into parts select g, 1 + g % 2 from generate_series(1, 30) g");
            s.execute("grant all on items, parts to " + TestEnvironment.UPSTREAM_ROLE);
        }
    }

    private Connection connect(String mode) throws SQLException {
        return env.connect("capped-bot", "s3cret-capped", "preferQueryMode", mode);
    }

    /** Rows changed (n set above 0), as the target has them committed. */
    private static long changed() throws SQLException {
        try (Connection c = env.postgres.superuserDataSource("shop").getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select count(*) from items where n > 0")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void aboveTheCapInAutocommitNothingChangesTheAgentIsToldWhyAndTheSessionGoesOn() throws Exception {
        for (String mode : List.of("simple", "extended")) {
            try (Connection c = connect(mode);
                    Statement s = c.createStatement()) {
                SQLException over = SqlStates.assertFailsWith(
                        "42501", () -> s.executeUpdate("update items set n = 1 where id > 0"));
                assertThat(over.getMessage())
                        .contains("would change 20 rows, more than the 5 that Vigil policy 'capped', rule"
                                + " 'cap-five' allows: rolled back, nothing changed (five rows at most)")
                        .contains("rows changed by cascades, triggers and rules are not in it");
                assertThat(changed()).as(mode + ": rolled back").isZero();

                assertThat(s.executeUpdate("update items set n = 1 where id <= 5"))
                        .isEqualTo(5);
                assertThat(changed()).as(mode + ": within the cap, committed").isEqualTo(5);
            }
            StatementViewRecord refused = env.awaitOutcome(agent, "update items set n = 1 where id > 0");
            assertThat(refused.getOutcome()).isEqualTo("failed");
            assertThat(refused.getSqlstate()).isEqualTo("42501");
            assertThat(refused.getErrorMessage()).contains("would change 20 rows");
            assertThat(refused.getRule()).as("the cap it ran under").isEqualTo("cap-five");
            StatementViewRecord ran = env.awaitOutcome(agent, "update items set n = 1 where id <= 5");
            assertThat(ran.getOutcome()).isEqualTo("completed");
            assertThat(ran.getRowCount()).isEqualTo(5);
            twentyItems();
        }
    }

    @Test
    void aboveTheCapInAnExplicitTransactionItIsAbortedAsByAnyError() throws Exception {
        for (String mode : List.of("simple", "extended")) {
            try (Connection c = connect(mode)) {
                c.setAutoCommit(false);
                try (Statement s = c.createStatement()) {
                    assertThat(s.executeUpdate("update items set n = 1 where id <= 2"))
                            .isEqualTo(2);
                    SqlStates.assertFailsWith("42501", () -> s.executeUpdate("update items set n = 2 where id > 2"));
                    SqlStates.assertFailsWith("25P02", () -> s.executeQuery("select 1"));
                    c.rollback();
                    assertThat(s.executeUpdate("update items set n = 3 where id = 20"))
                            .isEqualTo(1);
                    c.commit();
                }
            }
            assertThat(changed()).as(mode + ": only the last transaction's row").isEqualTo(1);
            twentyItems();
        }
    }

    @Test
    void inAPipelineWhatFollowsWaitsAndAboveTheCapIsSkippedToSync() throws Exception {
        try (Connection c = connect("extended");
                Statement s = c.createStatement()) {
            s.addBatch("update items set n = 1 where id = 1");
            s.addBatch("update items set n = 1 where id > 1");
            s.addBatch("update items set n = 1 where id = 2");
            assertThatThrownBy(s::executeBatch)
                    .isInstanceOf(BatchUpdateException.class)
                    .hasMessageContaining("would change 19 rows");
            assertThat(changed()).as("one implicit transaction, rolled back").isZero();

            s.addBatch("update items set n = 1 where id = 1");
            s.addBatch("update items set n = 1 where id between 2 and 6");
            s.addBatch("update items set n = 1 where id = 7");
            assertThat(s.executeBatch()).containsExactly(1, 5, 1);
            assertThat(changed()).isEqualTo(7);
        }
    }

    @Test
    void aRawPipelineGetsWhatPostgresWouldSayForAFailedStatement() throws Exception {
        try (RawClient client = new RawClient(env.gateway.address().getPort())) {
            client.logIn("capped-bot", "s3cret-capped");
            client.send(
                    parse("update items set n = 1 where id > 10"),
                    bind(),
                    execute(),
                    parse("select 1"),
                    bind(),
                    execute(),
                    sync());
            List<String> replies = readUntilReady(client);
            assertThat(replies).hasSize(4);
            assertThat(replies.subList(0, 2)).containsExactly("1", "2");
            assertThat(replies.get(2)).startsWith("E 42501 the statement would change 10 rows");
            assertThat(replies.get(3)).isEqualTo("Z I");

            client.send(
                    parse("update items set n = 1 where id > 18"),
                    bind(),
                    execute(),
                    parse("select 1"),
                    bind(),
                    execute(),
                    sync());
            assertThat(readUntilReady(client))
                    .containsExactly("1", "2", "C UPDATE 2", "1", "2", "D", "C SELECT 1", "Z I");
        }
        assertThat(changed()).isEqualTo(2);
    }

    @Test
    void anErrorBeforeACappedStatementSkipsItOnlyWithinItsOwnPipeline() throws Exception {
        try (RawClient client = new RawClient(env.gateway.address().getPort())) {
            client.logIn("capped-bot", "s3cret-capped");
            client.send(
                    parse("select 1 / 0"),
                    bind(),
                    execute(),
                    sync(),
                    parse("update items set n = 1 where id > 10"),
                    bind(),
                    execute(),
                    sync());
            // 1 / 0 fails as it is planned, at Bind.
            assertThat(readUntilReady(client)).containsExactly("1", "E 22012 division by zero", "Z I");
            assertThat(readUntilReady(client))
                    .as("the next pipeline's statement is still capped")
                    .anyMatch(reply -> reply.startsWith("E 42501 the statement would change 10 rows"))
                    .last()
                    .isEqualTo("Z I");

            client.send(
                    parse("select 1 / 0"),
                    bind(),
                    execute(),
                    parse("update items set n = 1 where id > 10"),
                    bind(),
                    execute(),
                    sync());
            assertThat(readUntilReady(client))
                    .as("skipped with the rest of its pipeline")
                    .containsExactly("1", "E 22012 division by zero", "Z I");
        }
        assertThat(changed()).isZero();
        StatementViewRecord skipped = TestEnvironment.await(
                () -> env.statementsOf(agent).stream()
                        .filter(r -> r.getSqlText().equals("update items set n = 1 where id > 10"))
                        .filter(r -> "skipped".equals(r.getOutcome()))
                        .findFirst()
                        .orElse(null),
                r -> r != null);
        assertThat(skipped.getRule()).isEqualTo("cap-five");
    }

    @Test
    void aPipelineThatFailedAtParseIsNotWaitedOnForACount() throws Exception {
        try (RawClient client = new RawClient(env.gateway.address().getPort())) {
            client.logIn("capped-bot", "s3cret-capped");
            client.send(parse("update items set nosuch = 1 where id > 0"), flush());
            assertThat(client.read().field('C')).isEqualTo("42703");
            client.send(bind(), execute(), sync());
            assertThat(readUntilReady(client)).as("skipped to Sync, as ever").containsExactly("Z I");
            client.send(RawClient.query("select 1"));
            assertThat(readUntilReady(client)).containsExactly("T", "D", "C SELECT 1", "Z I");
        }
    }

    @Test
    void aClientThatLeavesBeforeTheCountIsKnownCommitsNothing() throws Exception {
        for (boolean extended : new boolean[] {false, true}) {
            // Quick, so the target has run it before a cancel could reach it.
            String sql = "update items set n = n + 1 where id > 0";
            try (RawClient client = new RawClient(env.gateway.address().getPort())) {
                client.logIn("capped-bot", "s3cret-capped");
                if (extended) {
                    client.send(parse(sql), bind(), execute(), sync());
                } else {
                    client.send(RawClient.query(sql));
                }
            } // gone while its count is awaited
            Thread.sleep(1_500); // time enough for it to commit, were it to
            TestEnvironment.await(RowCapIT::updatesRunning, running -> running == 0);
            assertThat(changed()).as(extended ? "extended" : "simple").isZero();
        }
    }

    /** Statements of the target role's sessions still running at the target. */
    private static long updatesRunning() {
        try (Connection c = env.postgres.superuserDataSource("shop").getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select count(*) from pg_stat_activity where query like 'update items%'"
                        + " and state <> 'idle' and pid <> pg_backend_pid()")) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void rowsFetchedInPartsCannotBeHeldSoTheStatementIsUndone() throws Exception {
        try (RawClient client = new RawClient(env.gateway.address().getPort())) {
            client.logIn("capped-bot", "s3cret-capped");
            client.send(parse("update items set n = 1 where id <= 4 returning id"), bind(), execute(2), sync());
            List<String> replies = readUntilReady(client);
            assertThat(replies).doesNotContain("D", "s");
            assertThat(replies.get(2))
                    .startsWith("E 42501 Vigil could not count")
                    .contains("fetches its rows in parts");
        }
        assertThat(changed()).isZero();
    }

    @Test
    void withinTheCapASimpleQueryGetsExactlyWhatPostgresSaid() throws Exception {
        try (RawClient client = new RawClient(env.gateway.address().getPort())) {
            client.logIn("capped-bot", "s3cret-capped");
            client.send(RawClient.query("update items set n = 1 where id <= 3"));
            assertThat(readUntilReady(client)).containsExactly("C UPDATE 3", "Z I");

            client.send(RawClient.query("update items set n = 2 where id <= 3 returning id"));
            assertThat(readUntilReady(client)).containsExactly("T", "D", "D", "D", "C UPDATE 3", "Z I");

            client.send(RawClient.query("update items set n = 2 where id > 3 returning id"));
            List<String> over = readUntilReady(client);
            assertThat(over).as("no row of a statement rolled back").doesNotContain("D");
            assertThat(over.getLast()).isEqualTo("Z I");
            assertThat(over.get(over.size() - 2)).startsWith("E 42501 the statement would change 17 rows");

            client.send(RawClient.query("update items set n = null where id <= 3"));
            assertThat(readUntilReady(client))
                    .as("a capped statement that fails by itself fails as ever")
                    .containsExactly(
                            "E 23502 null value in column \"n\" of relation \"items\" violates not-null constraint",
                            "Z I");

            client.send(RawClient.query("update items set n = 1 where id = 4; update items set n = 1 where id = 5"));
            List<String> together = readUntilReady(client);
            assertThat(together.getFirst())
                    .startsWith("E 42501")
                    .contains("rule 'cap-five'")
                    .contains("runs only in a query of its own");
        }
        assertThat(changed()).isEqualTo(3);
    }

    @Test
    void returningRowsWithinTheCapReachTheAgentAfterTheCount() throws Exception {
        for (String mode : List.of("simple", "extended")) {
            try (Connection c = connect(mode);
                    Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("update items set n = 1 where id <= 4 returning id")) {
                List<Integer> ids = new ArrayList<>();
                while (rs.next()) {
                    ids.add(rs.getInt(1));
                }
                assertThat(ids).containsExactlyInAnyOrder(1, 2, 3, 4);
            }
            assertThat(changed()).isEqualTo(4);
            twentyItems();
        }
    }

    @Test
    void theCountIsTheStatementsOwnRowsNotTheCascades() throws Exception {
        try (Connection c = connect("extended");
                Statement s = c.createStatement()) {
            assertThat(s.executeUpdate("delete from items where id <= 2"))
                    .as("30 parts go with them")
                    .isEqualTo(2);
        }
        try (Connection c = env.postgres.superuserDataSource("shop").getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select count(*) from parts")) {
            rs.next();
            assertThat(rs.getLong(1)).isZero();
        }
    }

    @Test
    void aDataModifyingWithIsHeldForReviewAsItsCountIsNotReported() throws Exception {
        try (Connection c = connect("simple");
                Statement s = c.createStatement()) {
            SQLException held = SqlStates.assertFailsWith(
                    "42501",
                    () -> s.executeQuery(
                            "with d as (delete from items where id = 1 returning *) select count(*) from d"));
            assertThat(held.getMessage()).contains("needs a person's approval").contains("rule 'cap-five'");
        }
        try (Connection c = env.postgres.superuserDataSource("shop").getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select count(*) from items")) {
            rs.next();
            assertThat(rs.getLong(1)).isEqualTo(20);
        }
    }

    // ---- a pipeline by hand ----

    private static List<String> readUntilReady(RawClient client) throws Exception {
        List<String> replies = new ArrayList<>();
        RawClient.Reply reply;
        do {
            reply = client.read();
            replies.add(
                    switch (reply.type()) {
                        case 'E' -> "E " + reply.field('C') + " " + reply.field('M');
                        case 'C' -> "C " + new String(reply.body(), 0, reply.body().length - 1, StandardCharsets.UTF_8);
                        case 'Z' -> "Z " + (char) reply.body()[0];
                        default -> String.valueOf(reply.type());
                    });
        } while (reply.type() != 'Z');
        return replies.stream().filter(r -> !r.equals("N")).toList();
    }

    private static byte[] parse(String sql) {
        return RawClient.parse(sql);
    }

    private static byte[] bind() {
        return RawClient.bind();
    }

    private static byte[] execute() {
        return RawClient.execute(0);
    }

    private static byte[] execute(int maxRows) {
        return RawClient.execute(maxRows);
    }

    private static byte[] flush() {
        return RawClient.flush();
    }

    private static byte[] sync() {
        return RawClient.sync();
    }
}
