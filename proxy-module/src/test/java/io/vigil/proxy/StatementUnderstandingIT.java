package io.vigil.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.vigil.db.jooq.tables.records.StatementViewRecord;
import java.io.StringReader;
import java.io.StringWriter;
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
import org.postgresql.copy.CopyManager;
import org.postgresql.core.BaseConnection;

/**
 * Realistic agent traffic through the gateway, by simple query, extended query, prepared EXECUTE
 * and COPY, and what the trail says each statement was. The expected table was written by hand from
 * what each statement does, not from what the classifier returned.
 */
class StatementUnderstandingIT {

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
    void everyStatementIsRecordedWithItsKindRelationsAndOutcome() throws Exception {
        UUID agent = env.agent("etl-bot", "owner", "s3cret-etl");
        try (Connection c = env.connect("etl-bot", "s3cret-etl", "preferQueryMode", "simple");
                Statement s = c.createStatement()) {
            s.execute("create table customers (id int primary key, email text)");
            s.execute("create table orders (id int, customer_id int, total numeric)");
            s.execute("insert into customers values (1, 'a@example.com'), (2, 'b@example.com')");
            s.execute("begin; insert into orders select id, id, 10 * id from customers; commit");
            s.execute("select c.email, sum(o.total) from customers c join orders o on o.customer_id = c.id"
                    + " group by c.email");
            s.execute("prepare purge(numeric) as delete from orders where total > $1");
            s.execute("execute purge(100)");
            CopyManager copy = new CopyManager(c.unwrap(BaseConnection.class));
            StringWriter out = new StringWriter();
            copy.copyOut("copy customers to stdout", out);
            assertThat(out.toString()).contains("a@example.com");
            assertThat(copy.copyIn("copy orders from stdin", new StringReader("9\t1\t5\n")))
                    .isEqualTo(1);
            SqlStates.assertFailsWith("42601", () -> s.execute("selec 1"));
            s.execute("with gone as (delete from orders where total < 0 returning *) select count(*) from gone");
            SqlStates.assertFailsWith("42501", () -> s.execute("set role postgres"));
        }
        try (Connection c = env.connect("etl-bot", "s3cret-etl")) {
            try (PreparedStatement p = c.prepareStatement("update customers set email = ? where id = ?")) {
                p.setString(1, "c@example.com");
                p.setInt(2, 1);
                assertThat(p.executeUpdate()).isEqualTo(1);
            }
        }

        List<String> expected = List.of(
                "create table customers (id int primary key, email text) | simple | ddl | - | public.customers | completed",
                "create table orders (id int, customer_id int, total numeric) | simple | ddl | - | public.orders | completed",
                "insert into customers values (1, 'a@example.com'), (2, 'b@example.com') | simple | write | - | public.customers | completed",
                "begin | simple | transaction | - | - | completed",
                "insert into orders select id, id, 10 * id from customers | simple | write | public.customers | public.orders | completed",
                "commit | simple | transaction | - | - | completed",
                "select c.email, sum(o.total) from customers c join orders o on o.customer_id = c.id group by c.email | simple | read | public.customers,public.orders | - | completed",
                "prepare purge(numeric) as delete from orders where total > $1 | simple | write | - | public.orders | completed",
                "execute purge(100) | simple | write | - | public.orders | completed",
                "copy customers to stdout | simple | read | public.customers | - | completed",
                "copy orders from stdin | simple | write | - | public.orders | completed",
                "selec 1 | simple | null | - | - | refused",
                "with gone as (delete from orders where total < 0 returning *) select count(*) from gone | simple | write | - | public.orders | completed",
                "set role postgres | simple | privilege | - | - | failed",
                "update customers set email = $1 where id = $2 | extended | write | - | public.customers | completed");
        // pgjdbc's own setup statements are left out, before counting: they are not in the table.
        List<StatementViewRecord> recorded = TestEnvironment.await(
                () -> env.statementsOf(agent).stream()
                        .filter(r -> !r.getSqlText().startsWith("SET extra_float_digits"))
                        .filter(r -> !(r.getSqlText().startsWith("SET application_name") && r.getSeq() == 1))
                        .toList(),
                r -> r.size() >= expected.size());
        assertThat(recorded.stream().map(StatementUnderstandingIT::describe)).containsExactlyElementsOf(expected);
        StatementViewRecord update = recorded.getLast();
        // pgjdbc sends the int in binary: kept as hex.
        assertThat(update.getParameters()).containsExactly("c@example.com", "\\x00000001");
        assertThat(update.getFingerprint()).hasSize(16);
    }

    @Test
    void anUnparsableStatementIsNotRunAndTheSessionGoesOnAsThePostgresServerWouldHave() throws Exception {
        env.agent("careful-bot", "owner", "s3cret-careful");
        try (Connection c = env.connect("careful-bot", "s3cret-careful");
                Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            s.execute("create temporary table notes (t text)");
            // Extended protocol: Vigil refuses the Parse; the target aborts the transaction itself.
            SQLException refused =
                    SqlStates.assertFailsWith("42601", () -> s.execute("insert into notes valuez ('x')"));
            assertThat(refused.getMessage())
                    .contains("syntax error at or near \"valuez\"")
                    .contains("Position: 19");
            SqlStates.assertFailsWith("25P02", () -> s.execute("select 1"));
            c.rollback();
            try (ResultSet rs = s.executeQuery("select 41 + 1")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt(1)).isEqualTo(42);
            }
        }
    }

    /** 10,000 rows of VALUES in one INSERT (0.6 MB), as bulk loaders send them: parsed, recorded, run. */
    @Test
    void aBulkInsertOfTenThousandRowsPasses() throws Exception {
        UUID agent = env.agent("bulk-bot", "owner", "s3cret-bulk");
        StringBuilder sql = new StringBuilder("insert into bulk_rows (id, note) values ");
        for (int i = 0; i < 10_000; i++) {
            sql.append(i == 0 ? "" : ", ")
                    .append('(')
                    .append(i)
                    .append(", 'row number ")
                    .append(i)
                    .append(" of the load')");
        }
        try (Connection c = env.connect("bulk-bot", "s3cret-bulk", "preferQueryMode", "simple");
                Statement s = c.createStatement()) {
            s.execute("create table bulk_rows (id int primary key, note text)");
            assertThat(s.executeUpdate(sql.toString())).isEqualTo(10_000);
        }
        var recorded = env.awaitOutcome(agent, sql.toString());
        assertThat(recorded.getRowCount()).isEqualTo(10_000L);
        assertThat(recorded.getWrites()).containsExactly("public.bulk_rows");
    }

    @Test
    void parserAbuseThroughTheGatewayIsRefusedAndTheSessionSurvives() throws Exception {
        env.agent("abuse-bot", "owner", "s3cret-abuse");
        try (Connection c = env.connect("abuse-bot", "s3cret-abuse", "preferQueryMode", "simple");
                Statement s = c.createStatement()) {
            SqlStates.assertFailsWith(
                    "54001", () -> s.execute("select " + "(".repeat(30_000) + "1" + ")".repeat(30_000)));
            SqlStates.assertFailsWith("54000", () -> s.execute("select '" + "x".repeat(5 << 20) + "'"));
            SqlStates.assertFailsWith(
                    "54001", () -> s.execute("select 1 " + "/*".repeat(10_000) + "*/".repeat(10_000)));
            SqlStates.assertFailsWith("54001", () -> s.execute("select 1" + "+1".repeat(30_000)));
            try (ResultSet rs = s.executeQuery("select 'still here'")) {
                assertThat(rs.next()).isTrue();
            }
        }
    }

    @Test
    void aSessionThatSwitchesToALexingTheGatewayCannotFollowIsEnded() throws Exception {
        env.agent("sneaky-bot", "owner", "s3cret-sneaky");
        try (Connection c = env.connect("sneaky-bot", "s3cret-sneaky");
                Statement s = c.createStatement()) {
            SqlStates.assertFailsWith("0A000", () -> s.execute("set standard_conforming_strings = off"));
            // The one pg_settings row a WHERE names is read as that setting (pg_dump's spelling).
            SqlStates.assertFailsWith(
                    "0A000",
                    () -> s.execute("select set_config(name, 'off', false) from pg_settings"
                            + " where name = 'standard_conforming_strings'"));
            // A computed setting name gets past the parser; the server's report of the change does not.
            // The statement itself ran (and is recorded); the session ends before anything else runs.
            catchThrowable(() -> s.execute(
                    "select set_config(n, 'off', false)" + " from (values ('standard_conforming_strings')) v(n)"));
            assertThatThrownBy(() -> s.execute("select 'misread'")).isInstanceOf(SQLException.class);
            assertThat(c.isValid(2)).isFalse();
        }
    }

    private static String describe(StatementViewRecord r) {
        return String.join(
                " | ",
                r.getSqlText(),
                r.getProtocol(),
                String.valueOf(r.getKind()),
                list(r.getReads()),
                list(r.getWrites()),
                r.getOutcome());
    }

    private static String list(String[] names) {
        return names.length == 0 ? "-" : String.join(",", Arrays.asList(names));
    }
}
