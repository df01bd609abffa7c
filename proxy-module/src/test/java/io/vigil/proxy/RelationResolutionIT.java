package io.vigil.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.db.jooq.tables.records.StatementViewRecord;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trail names each relation as PostgreSQL resolved it when the statement ran: catalogs as
 * pg_catalog's, a relation that does not exist marked as such, unqualified names through the
 * session's search_path as SET, SET LOCAL, set_config and rollbacks left it, relations made since
 * login by the session or by anyone else, temporary tables. The agent sees nothing of it: its
 * results are the target's.
 */
class RelationResolutionIT {

    private static final String PASSWORD = "resolver-password";

    @TempDir
    static Path dir;

    static TestEnvironment env;

    @BeforeAll
    static void start() throws SQLException {
        env = new TestEnvironment(dir.resolve("pg"));
        superuser(
                "create role resolver login password '" + PASSWORD + "'",
                "create schema sales",
                "create table public.orders (id int)",
                "create table sales.orders (id int)",
                "insert into public.orders values (1)",
                "insert into sales.orders values (2)",
                "grant usage on schema sales to resolver",
                "grant select on public.orders, sales.orders to resolver");
    }

    @AfterAll
    static void stop() {
        env.close();
    }

    @Test
    void everyRelationIsRecordedAsTheTargetResolvedIt() throws Exception {
        UUID agent = env.agentWithRole("resolver-bot", "s3cret-resolver", "resolver", PASSWORD);
        try (Connection c = env.connect("resolver-bot", "s3cret-resolver", "preferQueryMode", "simple");
                Statement s = c.createStatement()) {
            s.execute("select count(*) from pg_stat_activity");
            SqlStates.assertFailsWith("42501", () -> s.execute("select * from pg_authid"));
            SqlStates.assertFailsWith("42P01", () -> s.execute("select * from nosuch"));
            assertThat(firstId(s, "select id from orders")).isEqualTo(1);
            s.execute("set search_path to sales, public");
            assertThat(firstId(s, "select id from orders /* sales */")).isEqualTo(2);
            s.execute("begin");
            s.execute("set local search_path to public");
            assertThat(firstId(s, "select id from orders /* local */")).isEqualTo(1);
            s.execute("rollback");
            assertThat(firstId(s, "select id from orders /* after rollback */")).isEqualTo(2);
            s.execute("begin");
            s.execute("set search_path to public");
            s.execute("rollback");
            // The SET was rolled back: only the target knows; Vigil asks it before recording.
            assertThat(firstId(s, "select id from orders /* set rolled back */"))
                    .isEqualTo(2);
            s.execute("select set_config('search_path', 'pub' || 'lic', false)");
            assertThat(firstId(s, "select id from orders /* computed path */")).isEqualTo(1);
            superuser("create table public.made_later (id int)", "grant select on public.made_later to resolver");
            s.execute("select * from made_later");
            // A prepared statement is analysed again under a changed search_path, as PostgreSQL does.
            s.execute("set search_path to sales, public");
            s.execute("prepare by_path as select id from orders");
            s.execute("set search_path to public");
            assertThat(firstId(s, "execute by_path")).isEqualTo(1);
            s.execute("create temp table scratch (id int)");
            s.execute("insert into scratch values (3)");
            assertThat(firstId(s, "select id from scratch")).isEqualTo(3);
        }
        try (Connection c = env.connect("resolver-bot", "s3cret-resolver");
                Statement s = c.createStatement()) {
            s.execute("set search_path to sales");
            try (PreparedStatement p = c.prepareStatement("select id from orders where id > ?")) {
                p.setInt(1, 0);
                try (ResultSet rs = p.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getInt(1)).isEqualTo(2);
                }
            }
        }

        List<String> expected = List.of(
                "select count(*) from pg_stat_activity | pg_catalog.pg_stat_activity",
                "select * from pg_authid | pg_catalog.pg_authid",
                "select * from nosuch | ?nosuch",
                "select id from orders | public.orders",
                "set search_path to sales, public | -",
                "select id from orders /* sales */ | sales.orders",
                "begin | -",
                "set local search_path to public | -",
                "select id from orders /* local */ | public.orders",
                "rollback | -",
                "select id from orders /* after rollback */ | sales.orders",
                "begin | -",
                "set search_path to public | -",
                "rollback | -",
                "select id from orders /* set rolled back */ | sales.orders",
                "select set_config('search_path', 'pub' || 'lic', false) | -",
                "select id from orders /* computed path */ | public.orders",
                "select * from made_later | public.made_later",
                "set search_path to sales, public | -",
                "prepare by_path as select id from orders | sales.orders",
                "set search_path to public | -",
                "execute by_path | public.orders",
                "create temp table scratch (id int) | -",
                "insert into scratch values (3) | -",
                "select id from scratch | pg_temp.scratch",
                "set search_path to sales | -",
                "select id from orders where id > $1 | sales.orders");
        List<StatementViewRecord> recorded = TestEnvironment.await(
                () -> env.statementsOf(agent).stream()
                        .filter(r -> !r.getSqlText().startsWith("SET extra_float_digits"))
                        .filter(r -> !r.getSqlText().startsWith("SET application_name"))
                        .toList(),
                r -> r.size() >= expected.size());
        assertThat(recorded.stream().map(r -> r.getSqlText() + " | " + list(r.getReads())))
                .containsExactlyElementsOf(expected);
        assertThat(recorded.stream()
                        .filter(r -> r.getSqlText().startsWith("create temp table"))
                        .findFirst()
                        .orElseThrow()
                        .getWrites())
                .containsExactly("pg_temp.scratch");
    }

    /**
     * A pipelined statement waits for its lookup until the target has answered the one before it;
     * a client that leaves meanwhile takes it along: nothing is forwarded, nothing leaks (the
     * paranoid leak detector runs after each test).
     */
    @Test
    void aClientThatLeavesWhileItsStatementWaitsForALookupLeaksNothing() throws Exception {
        UUID agent = env.agentWithRole("leaving-bot", "s3cret-leaving", "resolver", PASSWORD);
        try (RawClient client = new RawClient(env.gateway.address().getPort())) {
            client.logIn("leaving-bot", "s3cret-leaving");
            client.send(RawClient.query("select pg_sleep(0.5)"), RawClient.query("select * from made_nowhere"));
            TestEnvironment.await(() -> env.statementsOfAnyOutcome(agent), r -> !r.isEmpty());
        }
        Thread.sleep(1_000);
        assertThat(env.statementsOfAnyOutcome(agent))
                .extracting(StatementViewRecord::getSqlText)
                .containsExactly("select pg_sleep(0.5)");
    }

    /**
     * The gateway's own lookup never goes into the middle of a client's pipeline (after a Describe
     * and before its Sync the target would answer it out of turn), and never before a named Parse
     * (a simple query drops the unnamed statement the client may still bind).
     */
    @Test
    void theLookupKeepsOutOfTheClientsPipelineAndItsUnnamedStatement() throws Exception {
        env.agentWithRole("pipeline-bot", "s3cret-pipeline", "resolver", PASSWORD);
        try (RawClient client = new RawClient(env.gateway.address().getPort())) {
            client.logIn("pipeline-bot", "s3cret-pipeline");
            client.send(parse("s1", "select 1"), RawClient.message('S', new byte[0]));
            assertThat(types(client, 'Z')).isEqualTo("1Z");
            client.send(
                    RawClient.message('D', bytes("Ss1")),
                    parse("", "select * from made_nowhere"),
                    RawClient.message('S', new byte[0]));
            assertThat(types(client, 'Z')).isEqualTo("tTEZ");

            client.send(parse("", "select 7"), RawClient.message('S', new byte[0]));
            assertThat(types(client, 'Z')).isEqualTo("1Z");
            client.send(parse("named", "select * from made_nowhere_either"), RawClient.message('S', new byte[0]));
            assertThat(types(client, 'Z')).isEqualTo("EZ");
            client.send(
                    RawClient.message('B', bind()),
                    RawClient.message('E', execute()),
                    RawClient.message('S', new byte[0]));
            assertThat(types(client, 'Z'))
                    .as("the unnamed statement still there")
                    .isEqualTo("2DCZ");
        }
    }

    private static byte[] parse(String name, String sql) {
        byte[] names = bytes(name, sql);
        return RawClient.message(
                'P',
                java.nio.ByteBuffer.allocate(names.length + 2)
                        .put(names)
                        .putShort((short) 0)
                        .array());
    }

    /** Bind the unnamed portal to the unnamed statement, no parameters, text results. */
    private static byte[] bind() {
        return java.nio.ByteBuffer.allocate(8)
                .put((byte) 0)
                .put((byte) 0)
                .putShort((short) 0)
                .putShort((short) 0)
                .putShort((short) 0)
                .array();
    }

    /** Execute the unnamed portal, all rows. */
    private static byte[] execute() {
        return java.nio.ByteBuffer.allocate(5).put((byte) 0).putInt(0).array();
    }

    /** C strings, one after the other. */
    private static byte[] bytes(String... strings) {
        StringBuilder all = new StringBuilder();
        for (String s : strings) {
            all.append(s).append('\0');
        }
        return all.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** The types of the messages the client gets, up to and including the first of type {@code last}. */
    private static String types(RawClient client, char last) throws java.io.IOException {
        StringBuilder types = new StringBuilder();
        char type;
        do {
            type = client.read().type();
            types.append(type);
        } while (type != last);
        return types.toString();
    }

    private static int firstId(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            assertThat(rs.next()).as(sql).isTrue();
            return rs.getInt(1);
        }
    }

    private static String list(String[] values) {
        return values == null || values.length == 0 ? "-" : String.join(",", Arrays.asList(values));
    }

    private static void superuser(String... statements) throws SQLException {
        try (Connection c = env.postgres.superuserDataSource("shop").getConnection();
                Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        }
    }
}
