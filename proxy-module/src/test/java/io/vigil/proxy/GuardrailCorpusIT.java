package io.vigil.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The guardrail corpus ({@code corpus/guardrails.txt}) through the gateway, under the baseline
 * preset, against a deliberately over-privileged target role: it owns the tables and the database,
 * is a member of {@code app_admin} (which owns {@code app.secrets} and may create databases), and may
 * create in {@code public}; PostgreSQL's own privileges would let most of the corpus run. Each case
 * asserts the verdict the agent is told, and for every case that is not allowed, that nothing
 * changed: objects, owners, privileges, rows, roles and memberships, stored settings, large
 * objects, replication slots, files on the server, and a bystander backend are as before. The
 * fixture is reset before each case; the session answers a query after every refusal.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GuardrailCorpusIT {

    private static final String AGENT = "corpus-bot";
    private static final String SECRET = "s3cret-corpus";
    private static final List<Path> FILES = List.of(
            Path.of("/tmp/vigil-corpus-file"), Path.of("/tmp/vigil-corpus-program"), Path.of("/tmp/vigil-corpus-lo"));

    @TempDir
    static Path dir;

    TestEnvironment env;
    Connection superuser;
    Connection sentinel;

    record Case(String expected, String sql, boolean extended) {
        @Override
        public String toString() {
            return (extended ? "[extended] " : "") + sql + "  ->  " + expected;
        }
    }

    static Stream<Case> corpus() throws IOException {
        List<Case> cases = new ArrayList<>();
        try (InputStream in = GuardrailCorpusIT.class.getResourceAsStream("/corpus/guardrails.txt")) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                boolean extended = line.startsWith("x ");
                String rest = extended ? line.substring(2) : line;
                int bar = rest.indexOf(" | ");
                cases.add(new Case(
                        rest.substring(0, bar).strip(), rest.substring(bar + 3).strip(), extended));
            }
        }
        return cases.stream();
    }

    @BeforeAll
    void start() throws SQLException {
        env = new TestEnvironment(dir.resolve("pg"));
        env.agent(AGENT, "owner@example.com", SECRET);
        env.enforce("baseline");
        superuser = env.postgres.superuserDataSource("shop").getConnection();
        try (Statement s = superuser.createStatement()) {
            s.execute("create role app_admin nologin createdb");
            s.execute("grant app_admin to " + TestEnvironment.UPSTREAM_ROLE);
        }
        sentinel = env.postgres.superuserDataSource("shop").getConnection();
        try (Statement s = sentinel.createStatement()) {
            s.execute("set application_name = 'corpus-sentinel'");
        }
    }

    @AfterAll
    void stop() throws SQLException {
        superuser.close();
        sentinel.close();
        env.close();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void aCaseGetsItsVerdictAndAStoppedOneChangesNothing(Case c) throws Exception {
        reset();
        String before = fingerprint();
        String told = run(c);
        if (c.expected().equals("allow")) {
            assertThat(told).as("allowed: the agent is not told of a policy").doesNotContain("Vigil policy");
            return;
        }
        String[] expected = c.expected().split(" ", 2);
        switch (expected[0]) {
            case "deny" ->
                assertThat(told).startsWith("42501 denied by Vigil policy 'baseline', rule '" + expected[1] + "'");
            case "review" ->
                assertThat(told)
                        .startsWith("42501 needs a person's approval under Vigil policy 'baseline', rule '"
                                + expected[1] + "'");
            case "refused" -> assertThat(told).startsWith(expected[1] + " ");
            default -> throw new AssertionError("unknown expectation " + c.expected());
        }
        assertThat(fingerprint())
                .as("the target's state after a stopped statement")
                .isEqualTo(before);
    }

    /** What the agent was told: "ok", or the SQLSTATE and message; then the session must answer. */
    private String run(Case c) throws SQLException {
        try (Connection agent = env.connect(AGENT, SECRET, "preferQueryMode", c.extended() ? "extended" : "simple")) {
            String told;
            try (Statement s = agent.createStatement()) {
                if (c.extended()) {
                    try (var p = agent.prepareStatement(c.sql())) {
                        p.execute();
                    }
                } else {
                    s.execute(c.sql());
                }
                told = "ok";
            } catch (SQLException e) {
                told = e.getSQLState() + " "
                        + (e instanceof org.postgresql.util.PSQLException p && p.getServerErrorMessage() != null
                                ? p.getServerErrorMessage().getMessage()
                                : e.getMessage());
            }
            if (!agent.getAutoCommit() || told.startsWith("25")) {
                agent.rollback();
            }
            try (Statement s = agent.createStatement();
                    ResultSet rs = s.executeQuery("select 1")) {
                assertThat(rs.next()).as("the session goes on").isTrue();
            } catch (SQLException e) {
                if (!c.sql().strip().equalsIgnoreCase("begin")) {
                    throw e;
                }
            }
            return told;
        }
    }

    /** The fixture, as the target role would have it: its tables, a trigger, row security, a function. */
    private void reset() throws SQLException, IOException {
        for (Path file : FILES) {
            Files.deleteIfExists(file);
        }
        String role = TestEnvironment.UPSTREAM_ROLE;
        try (Statement s = superuser.createStatement()) {
            s.execute("drop schema if exists public cascade");
            s.execute("drop schema if exists app cascade");
            s.execute("drop schema if exists intruder cascade");
            s.execute("create schema public");
            s.execute("grant usage, create on schema public to " + role);
            s.execute("create schema app authorization app_admin");
            s.execute("grant usage on schema app to " + role);
            s.execute("set role " + role);
            s.execute("create table orders (id int constraint orders_pkey primary key, customer_id int, total int,"
                    + " note text)");
            s.execute("create sequence orders_id_seq");
            s.execute("insert into orders values (1, 1, 10, 'first'), (2, 1, 20, 'second'), (3, 2, 30, 'third')");
            s.execute("create table audit_log (what text)");
            s.execute("create function audit_fn() returns trigger language plpgsql as"
                    + " $$ begin insert into audit_log values (tg_op); return new; end $$");
            s.execute("create trigger audit_orders after insert or update on orders"
                    + " for each row execute function audit_fn()");
            s.execute("create table notes (id int, body text, author name default current_user)");
            s.execute("alter table notes enable row level security");
            s.execute("alter table notes force row level security");
            s.execute("create policy own_notes on notes using (author = current_user)");
            s.execute("create function purge() returns void language sql as 'delete from orders'");
            // An operator whose function deletes: 1 <~> 2 runs it.
            s.execute("create function bump(a int, b int) returns int language sql as"
                    + " 'delete from orders where id = a returning b'");
            s.execute("create operator <~> (leftarg = int, rightarg = int, function = bump)");
            // Callable in attribute notation, o.wipe: wipe(o)
            s.execute("create function wipe(o orders) returns int language sql as"
                    + " 'delete from orders where id = o.id returning 1'");
            s.execute("reset role");
            s.execute("set role app_admin");
            s.execute("create table app.secrets (id int, secret text)");
            s.execute("insert into app.secrets values (1, 'the crown jewels')");
            s.execute("create function app.secret_of(int) returns text language sql security definer"
                    + " as 'select secret from app.secrets where id = $1'");
            s.execute("reset role");
            s.execute("alter role " + role + " reset all");
            s.execute("alter database shop reset all");
        }
    }

    /** Everything a stopped statement could have changed, as one text. */
    private String fingerprint() throws SQLException {
        StringBuilder state = new StringBuilder();
        try (Statement s = superuser.createStatement();
                ResultSet rs = s.executeQuery("""
                        select string_agg(x, E'\\n' order by x) from (
                          select 'rel ' || n.nspname || '.' || c.relname || ' ' || c.relkind::text || ' '
                                 || pg_get_userbyid(c.relowner) || ' ' || c.relpersistence::text || ' '
                                 || c.relrowsecurity::text || c.relforcerowsecurity::text || ' ' || coalesce(c.relacl::text, '')
                            from pg_class c join pg_namespace n on n.oid = c.relnamespace
                           where n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast')
                          union all
                          select 'col ' || a.attrelid::regclass || '.' || a.attname || ' '
                                 || format_type(a.atttypid, a.atttypmod)
                            from pg_attribute a join pg_class c on c.oid = a.attrelid
                            join pg_namespace n on n.oid = c.relnamespace
                           where n.nspname in ('public', 'app') and a.attnum > 0 and not a.attisdropped
                          union all
                          select 'schema ' || nspname || ' ' || pg_get_userbyid(nspowner) || ' '
                                 || coalesce(nspacl::text, '')
                            from pg_namespace where nspname !~ '^pg_'
                          union all
                          select 'role ' || rolname || ' ' || rolsuper::text || rolcreaterole::text || rolcreatedb::text || rolbypassrls::text
                                 || rolcanlogin::text || ' ' || rolconnlimit || ' ' || coalesce(rolpassword, '')
                            from pg_authid where rolname !~ '^pg_'
                          union all
                          select 'member ' || roleid::regrole || ' ' || member::regrole || ' ' || admin_option::text
                            from pg_auth_members
                          union all
                          select 'function ' || p.oid::regprocedure || ' ' || p.prosecdef::text || ' ' || p.provolatile::text
                                 || ' ' || md5(p.prosrc) || ' ' || pg_get_userbyid(p.proowner)
                            from pg_proc p join pg_namespace n on n.oid = p.pronamespace
                           where n.nspname in ('public', 'app', 'intruder')
                          union all
                          select 'trigger ' || tgrelid::regclass || '.' || tgname || ' ' || tgenabled::text
                            from pg_trigger where not tgisinternal
                          union all
                          select 'event trigger ' || evtname from pg_event_trigger
                          union all
                          select 'rule ' || schemaname || '.' || tablename || '.' || rulename
                            from pg_rules where schemaname in ('public', 'app')
                          union all
                          select 'policy ' || polrelid::regclass || '.' || polname || ' ' || pg_get_expr(polqual, polrelid)
                            from pg_policy
                          union all
                          select 'default acl ' || defaclrole::regrole || ' ' || defaclacl::text from pg_default_acl
                          union all
                          select 'setting ' || setdatabase::text || ' ' || setrole::text || ' ' || array_to_string(setconfig, ',')
                            from pg_db_role_setting
                          union all
                          select 'auto.conf ' || name || ' ' || setting from pg_file_settings
                           where sourcefile like '%auto.conf'
                          union all
                          select 'extension ' || extname from pg_extension
                          union all
                          select 'language ' || lanname from pg_language
                          union all
                          select 'server ' || srvname from pg_foreign_server
                          union all
                          select 'publication ' || pubname from pg_publication
                          union all
                          select 'subscription ' || subname from pg_subscription
                          union all
                          select 'slot ' || slot_name from pg_replication_slots
                          union all
                          select 'large objects ' || count(*) from pg_largeobject_metadata
                          union all
                          select 'orders ' || string_agg(id || ':' || customer_id || ':' || total || ':' || note, ','
                                                         order by id) from public.orders
                          union all
                          select 'secrets ' || string_agg(id || ':' || secret, ',') from app.secrets
                          union all
                          select 'audit ' || count(*) from public.audit_log
                          union all
                          select 'sentinel ' || count(*) from pg_stat_activity
                           where application_name = 'corpus-sentinel'
                        ) s(x)
                        """)) {
            rs.next();
            state.append(rs.getString(1));
        }
        for (Path file : FILES) {
            state.append("\nfile ").append(file).append(' ').append(Files.exists(file));
        }
        return state.toString();
    }
}
