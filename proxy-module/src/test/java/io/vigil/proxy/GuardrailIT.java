package io.vigil.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.vigil.db.jooq.tables.records.StatementViewRecord;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Guardrails on the wire, under the baseline preset, against a target role that owns its tables: a
 * denied statement gets ErrorResponse 42501 naming the policy and rule, never runs (the table and
 * its rows are still there), is in the trail as refused with what it was understood as, and the
 * session goes on; in an explicit transaction, the transaction is aborted as PostgreSQL aborts it on
 * any error.
 */
class GuardrailIT {

    @TempDir
    static Path dir;

    static TestEnvironment env;
    static UUID agent;

    @BeforeAll
    static void start() throws SQLException {
        env = new TestEnvironment(dir.resolve("pg"));
        agent = env.agent("guarded-bot", "owner@example.com", "s3cret-guarded");
        env.enforce("baseline");
        // Functions the target role made before the agent's session: read with the catalog at login.
        try (Connection c = env.postgres
                        .dataSource("shop", TestEnvironment.UPSTREAM_ROLE, TestEnvironment.UPSTREAM_PASSWORD)
                        .getConnection();
                Statement s = c.createStatement()) {
            s.execute("create table orders (id int primary key, total int)");
            s.execute("create function purge() returns void language sql as 'delete from orders'");
            // CVE-2018-1058's pattern: a better match for varchar than pg_catalog.lower(text).
            s.execute("create function public.lower(varchar) returns text language sql as $$select 'pwned'$$");
        }
    }

    @AfterAll
    static void stop() {
        env.close();
    }

    /** The target role owns the table: only the gateway stands between the agent and a DROP. */
    @BeforeEach
    void freshTable() throws SQLException {
        try (Connection c = env.postgres
                        .dataSource("shop", TestEnvironment.UPSTREAM_ROLE, TestEnvironment.UPSTREAM_PASSWORD)
                        .getConnection();
                Statement s = c.createStatement()) {
            s.execute("drop table if exists orders");
            s.execute("create table orders (id int primary key, total int)");
            s.execute("insert into orders select g, g * 10 from generate_series(1, 3) g");
        }
    }

    private Connection connect(String... options) throws SQLException {
        return env.connect("guarded-bot", "s3cret-guarded", options);
    }

    private static long rows() throws SQLException {
        try (Connection c = env.postgres.superuserDataSource("shop").getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select count(*) from orders")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void aDeniedStatementIsRefusedWithThePolicyAndRuleAndTheSessionGoesOn() throws Exception {
        for (String mode : List.of("simple", "extended")) {
            try (Connection c = connect("preferQueryMode", mode);
                    Statement s = c.createStatement()) {
                SQLException denied = SqlStates.assertFailsWith("42501", () -> s.execute("drop table orders"));
                assertThat(denied.getMessage())
                        .contains("denied by Vigil policy 'baseline', rule 'no-drop': agents may not drop objects");
                SqlStates.assertFailsWith("42501", () -> s.execute("delete from orders"));
                try (ResultSet rs = s.executeQuery("select count(*) from orders")) {
                    rs.next();
                    assertThat(rs.getLong(1)).as(mode + ": the session goes on").isEqualTo(3);
                }
                assertThat(s.executeUpdate("delete from orders where id = 3")).isEqualTo(1);
            }
            StatementViewRecord allowed = env.awaitOutcome(agent, "delete from orders where id = 3");
            assertThat(allowed.getVerdict()).isEqualTo("allow");
            assertThat(allowed.getPolicies())
                    .as("the policy version it ran under")
                    .isEqualTo("baseline v1");
            assertThat(allowed.getRule()).as("the cap it ran under").isEqualTo("cap-changed-rows");
            assertThat(rows()).isEqualTo(2);
            freshTable();
        }
    }

    @Test
    void nothingOfAMultiStatementQueryRunsWhenOnePartIsDenied() throws Exception {
        try (Connection c = connect("preferQueryMode", "simple");
                Statement s = c.createStatement()) {
            SQLException denied = SqlStates.assertFailsWith(
                    "42501", () -> s.execute("insert into orders values (4, 40); drop table orders"));
            assertThat(denied.getMessage()).contains("rule 'no-drop'");
        }
        assertThat(rows()).as("the INSERT before the DROP did not run").isEqualTo(3);
        List<StatementViewRecord> trail = TestEnvironment.await(
                () -> env.statementsOf(agent).stream()
                        .filter(r -> r.getSqlText().contains("orders values (4"))
                        .toList(),
                l -> !l.isEmpty());
        assertThat(trail.getFirst().getOutcome()).isEqualTo("refused");
        assertThat(trail.getFirst().getSqlstate()).isEqualTo("42501");
        assertThat(trail.getFirst().getErrorMessage()).contains("of the same query was stopped by policy");
        StatementViewRecord drop = env.awaitOutcome(agent, "drop table orders");
        assertThat(drop.getOutcome()).isEqualTo("refused");
        assertThat(drop.getErrorMessage()).contains("rule 'no-drop'");
        assertThat(drop.getVerdict()).isEqualTo("deny");
        assertThat(drop.getPolicies()).isEqualTo("baseline v1");
        assertThat(drop.getRule()).isEqualTo("no-drop");
        assertThat(trail.getFirst().getVerdict())
                .as("judged (a capped write sent with others waits for review), stopped with the rest")
                .isEqualTo("review");
        assertThat(drop.getReads())
                .as("nothing of a denied statement counts as use")
                .isNullOrEmpty();
    }

    @Test
    void aDenialInAnExplicitTransactionAbortsItAsAnyErrorWould() throws Exception {
        try (Connection c = connect()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.executeUpdate("insert into orders values (5, 50)");
                SqlStates.assertFailsWith("42501", () -> s.execute("truncate orders"));
                SqlStates.assertFailsWith("25P02", () -> s.executeQuery("select 1"));
                c.rollback();
                try (ResultSet rs = s.executeQuery("select count(*) from orders")) {
                    rs.next();
                    assertThat(rs.getLong(1)).isEqualTo(3);
                }
            }
        }
    }

    @Test
    void aDeniedStatementInABatchFailsItAndWhatFollowsUpToSyncIsSkipped() throws Exception {
        try (Connection c = connect();
                PreparedStatement p = c.prepareStatement("delete from orders where ?")) {
            p.setBoolean(1, true);
            SqlStates.assertFailsWith("42501", p::execute);
        }
        try (Connection c = connect();
                Statement s = c.createStatement()) {
            s.addBatch("insert into orders values (6, 60)");
            s.addBatch("delete from orders");
            s.addBatch("insert into orders values (7, 70)");
            Throwable failure = org.assertj.core.api.Assertions.catchThrowable(s::executeBatch);
            assertThat(failure).isInstanceOf(java.sql.BatchUpdateException.class);
            assertThat(((SQLException) failure).getNextException().getSQLState())
                    .isEqualTo("42501");
        }
        assertThat(rows()).as("nothing of the batch ran after the denial").isLessThanOrEqualTo(4);
        try (Connection c = env.postgres.superuserDataSource("shop").getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select count(*) from orders where id = 7")) {
            rs.next();
            assertThat(rs.getLong(1)).as("the statement after the denied one").isZero();
        }
    }

    @Test
    void callsToFunctionsThatMayChangeAnythingWaitForAPerson() throws Exception {
        try (Connection c = connect();
                Statement s = c.createStatement()) {
            for (String call : List.of(
                    "select purge()",
                    "select 1 from orders where purge() is null",
                    "select lower('X'::varchar)",
                    "select made_since_login()")) {
                SQLException held = SqlStates.assertFailsWith("42501", () -> s.execute(call));
                assertThat(held.getMessage())
                        .as(call)
                        .contains("rule 'review-user-functions'")
                        .contains("only a statement sent on its own, outside a transaction, can wait for a person");
            }
            try (ResultSet rs = s.executeQuery("select upper('x'), pg_catalog.lower('Y'), count(*) from orders")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo("X");
                assertThat(rs.getString(2)).isEqualTo("y");
            }
        }
        assertThat(rows()).as("purge() never ran").isEqualTo(3);
    }

    @Test
    void startupParametersAreJudgedAsTheSetTheyStandFor() throws Exception {
        SQLException refused = SqlStates.assertFailsWith(
                "42501", () -> connect("currentSchema", "evil").close());
        assertThat(refused.getMessage()).contains("rule 'no-setting-changes'");
        try (Connection c = connect("ApplicationName", "allowed-app");
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("show application_name")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualTo("allowed-app");
        }
    }

    @Test
    void aPooledConnectionServesTheNextBorrowerAfterADenial() throws Exception {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(
                "jdbc:postgresql://127.0.0.1:" + env.gateway.address().getPort() + "/" + TestEnvironment.TARGET_NAME);
        config.setUsername("guarded-bot");
        config.setPassword("s3cret-guarded");
        config.setMaximumPoolSize(1);
        try (HikariDataSource pool = new HikariDataSource(config)) {
            try (Connection c = pool.getConnection();
                    Statement s = c.createStatement()) {
                SqlStates.assertFailsWith("42501", () -> s.execute("alter table orders drop column total"));
            }
            try (Connection c = pool.getConnection();
                    Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("select sum(total) from orders")) {
                rs.next();
                assertThat(rs.getLong(1)).isEqualTo(60);
            }
        }
    }

    @Test
    void aPolicyChangeInTheStoreReachesLiveSessionsWithinASecond() throws Exception {
        try (Connection c = connect("prepareThreshold", "1");
                Statement s = c.createStatement();
                PreparedStatement cached = c.prepareStatement("insert into orders values (?, 0)")) {
            // A named statement pgjdbc keeps for the session: parsed once, under the baseline.
            cached.setInt(1, 21);
            cached.executeUpdate();
            cached.setInt(1, 22);
            cached.executeUpdate();
            SqlStates.assertFailsWith("42501", () -> s.execute("lock table orders"));
            long start = System.nanoTime();
            env.enforce("export");
            long millis = (System.nanoTime() - start) / 1_000_000;
            SQLException denied =
                    SqlStates.assertFailsWith("42501", () -> s.executeUpdate("insert into orders values (8, 80)"));
            assertThat(denied.getMessage()).contains("policy 'export', rule 'read-only'");
            cached.setInt(1, 23);
            SQLException again = SqlStates.assertFailsWith("42501", cached::executeUpdate);
            assertThat(again.getMessage())
                    .as("the cached statement is judged again when it runs")
                    .contains("policy 'export', rule 'read-only'");
            try (ResultSet rs = s.executeQuery("select count(*) from orders where id = 23")) {
                rs.next();
                assertThat(rs.getLong(1)).isZero();
            }
            // 250 ms polling; a loaded 2-core machine gets a margin of four times the promise.
            assertThat(millis)
                    .as("ms until the gateway had the change in force")
                    .isLessThan(4000);
            System.out.println("policy change in force after " + millis + " ms");
        } finally {
            env.enforce("baseline");
        }
    }

    @Test
    void aPolicyInObserveModeStopsNothingAndTheTrailSaysWhatItWouldHaveDone() throws Exception {
        String strict = """
                {"name": "strict", "rules": [{"name": "no-deletes", "effect": "deny",
                  "when": "command == 'DeleteStmt'", "message": "deletes are for people"}]}""";
        try {
            env.policyVersion("strict", strict, "observe");
            try (Connection c = connect();
                    Statement s = c.createStatement()) {
                assertThat(s.executeUpdate("delete from orders where id = 1")).isEqualTo(1);
            }
            StatementViewRecord delete = TestEnvironment.await(
                            () -> env.statementsOf(agent).stream()
                                    .filter(r -> r.getSqlText().equals("delete from orders where id = 1"))
                                    .toList(),
                            found -> !found.isEmpty())
                    .getFirst();
            assertThat(delete.getVerdict()).isEqualTo("allow");
            assertThat(delete.getPolicies()).isEqualTo("baseline v1, strict v1 (observe)");
            assertThat(delete.getObservedVerdict()).isEqualTo("deny");
            assertThat(delete.getObservedPolicy()).isEqualTo("strict v1");
            assertThat(delete.getObservedRule()).isEqualTo("no-deletes");

            env.policyVersion("strict", strict, "enforce");
            try (Connection c = connect();
                    Statement s = c.createStatement()) {
                SQLException denied =
                        SqlStates.assertFailsWith("42501", () -> s.executeUpdate("delete from orders where id = 2"));
                assertThat(denied.getMessage()).contains("policy 'strict', rule 'no-deletes'");
            }
            assertThat(rows()).isEqualTo(2);
        } finally {
            env.enforce("baseline");
        }
    }
}
