package io.vigil.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Standard clients, unchanged, through the gateway: pgjdbc in its protocol modes, psql (with \copy
 * and Ctrl-C), pgbench in all three query modes, pg_dump and pg_restore, node-postgres, psycopg2 and
 * asyncpg.
 * Runs once per PostgreSQL major version (see the subclasses).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ClientMatrix {

    static final String AGENT = "matrix-bot";
    static final String SECRET = "s3cret-" + UUID.randomUUID();
    /** An agent under the baseline preset as well: what it runs, every client runs the same way. */
    static final String GUARDED = "matrix-guarded";
    /** A backup job under the export preset. */
    static final String DUMPER = "matrix-dump";

    Path dir;

    TestEnvironment env;
    private boolean pgbenchReady;

    /** Starts PostgreSQL (store and target) and the gateway in {@code dir}. */
    abstract TestEnvironment startEnvironment(Path dir);

    /** Whether this machine's pg_dump can dump this server version. */
    abstract boolean pgDumpSupportsServer();

    @BeforeAll
    void start() throws java.io.IOException {
        dir = Files.createTempDirectory("vigil-matrix");
        env = startEnvironment(dir.resolve("pg"));
        env.agent(AGENT, "owner", SECRET);
        env.agent(GUARDED, "owner", SECRET);
        env.agent(DUMPER, "owner", SECRET);
        env.enforceFor("baseline", GUARDED);
        env.enforceFor("export", DUMPER);
    }

    @AfterAll
    void stop() {
        if (env != null) {
            env.close();
        }
    }

    @ParameterizedTest(name = "pgjdbc {0}")
    @CsvSource({
        "prepareThreshold=0, prepareThreshold, 0, binaryTransfer, false",
        "default settings, prepareThreshold, 5, binaryTransfer, true",
        "forced binary, prepareThreshold, -1, binaryTransfer, true"
    })
    void pgjdbcRoundTripsEveryCommonType(String mode, String k1, String v1, String k2, String v2) throws Exception {
        String table = "types_" + Math.abs(mode.hashCode());
        UUID id = UUID.randomUUID();
        Instant at = Instant.parse("2026-01-02T03:04:05.123456Z");
        byte[] blob = {0, 1, 2, (byte) 0xff};
        try (Connection c = env.connect(AGENT, SECRET, k1, v1, k2, v2)) {
            c.createStatement()
                    .execute(
                            "create table " + table
                                    + " (id uuid, n int, amount numeric(10,2), at timestamptz, note text, data bytea, flags bool[])");
            for (int round = 0; round < 7; round++) { // past the prepare threshold, so server-side prepares too
                try (PreparedStatement p =
                        c.prepareStatement("insert into " + table + " values (?, ?, ?, ?, ?, ?, ?)")) {
                    p.setObject(1, id);
                    p.setInt(2, round);
                    p.setBigDecimal(3, new BigDecimal("12.34"));
                    p.setTimestamp(4, Timestamp.from(at));
                    p.setString(5, "ünïcödé ✓ " + round);
                    p.setBytes(6, blob);
                    p.setArray(7, c.createArrayOf("bool", new Boolean[] {true, false}));
                    p.executeUpdate();
                }
            }
            try (PreparedStatement p = c.prepareStatement("select * from " + table + " where n = ?")) {
                p.setInt(1, 6);
                try (ResultSet rs = p.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getObject(1)).isEqualTo(id);
                    assertThat(rs.getBigDecimal(3)).isEqualByComparingTo("12.34");
                    assertThat(rs.getTimestamp(4).toInstant()).isEqualTo(at);
                    assertThat(rs.getString(5)).isEqualTo("ünïcödé ✓ 6");
                    assertThat(rs.getBytes(6)).isEqualTo(blob);
                    assertThat((Boolean[]) rs.getArray(7).getArray()).containsExactly(true, false);
                }
            }
            try (Statement s = c.createStatement()) {
                for (int i = 0; i < 3; i++) {
                    s.addBatch("update " + table + " set note = 'batched' where n = " + i);
                }
                assertThat(s.executeBatch()).containsExactly(1, 1, 1);
            }
        }
    }

    @Test
    void psqlRunsQueriesAndCopiesBothWays() throws Exception {
        psql("-c", "create table copied (id int, label text)").ok();
        Path in = dir.resolve("in.csv");
        StringBuilder csv = new StringBuilder();
        for (int i = 1; i <= 1000; i++) {
            csv.append(i).append(",label ").append(i).append('\n');
        }
        Files.writeString(in, csv);
        assertThat(psql("-c", "\\copy copied from '" + in + "' with (format csv)")
                        .ok()
                        .out())
                .contains("COPY 1000");
        Path out = dir.resolve("out.csv");
        assertThat(psql("-c", "\\copy (select * from copied order by id) to '" + out + "' with (format csv)")
                        .ok()
                        .out())
                .contains("COPY 1000");
        assertThat(Files.readString(out)).isEqualTo(csv.toString());
        assertThat(psql("-At", "-c", "select count(*), sum(id) from copied")
                        .ok()
                        .out()
                        .strip())
                .isEqualTo("1000|500500");
    }

    @Test
    void psqlCtrlCCancelsALongStatement() throws Exception {
        ProcessBuilder pb = new ProcessBuilder(psqlCommand("-c", "select pg_sleep(60)"));
        pb.environment().put("PGPASSWORD", SECRET);
        pb.redirectErrorStream(true);
        long start = System.nanoTime();
        Process psql = pb.start();
        awaitRunningAtTarget("select pg_sleep(60)");
        new ProcessBuilder("kill", "-INT", Long.toString(psql.pid())).start().waitFor();
        assertThat(psql.waitFor(15, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        String output = new String(psql.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(output).contains("canceling statement due to user request");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));
    }

    @ParameterizedTest(name = "pgbench -M {0}")
    @CsvSource({"simple", "extended", "prepared"})
    void pgbenchRunsInEveryQueryMode(String mode) throws Exception {
        ensurePgbenchTables();
        Cli run = cli(through("pgbench", "-n", "-S", "-M", mode, "-c", "2", "-j", "1", "-t", "100"))
                .ok();
        assertThat(run.out()).contains("number of transactions actually processed: 200/200");
    }

    @Test
    void pgDumpThroughTheGatewayRestoresToIdenticalContents() throws Exception {
        Assumptions.assumeTrue(pgDumpSupportsServer(), "Debian 12's pg_dump 15 cannot dump a newer server");
        psql(
                        "-c",
                        "create table dumped (id int primary key, body text, at timestamptz default now());"
                                + " insert into dumped select g, md5(g::text) from generate_series(1, 5000) g;"
                                + " create view dumped_view as select id from dumped where id % 2 = 0;")
                .ok();
        Path archive = dir.resolve("shop.dump");
        cli(throughAs(DUMPER, "pg_dump", "-Fc", "-f", archive.toString(), "-t", "dumped", "-t", "dumped_view"))
                .ok();
        Cli refused = cli(
                throughAs(GUARDED, "pg_dump", "-f", dir.resolve("refused.sql").toString(), "-t", "dumped"));
        assertThat(refused.exitCode()).as("pg_dump under the baseline policy").isNotZero();
        assertThat(refused.err()).contains("denied by Vigil policy 'baseline', rule 'no-setting-changes'");
        try (Connection admin = env.postgres.superuserDataSource("postgres").getConnection()) {
            admin.createStatement().execute("create database restored");
        }
        Cli restore = Cli.run(
                dir,
                Map.of("PGPASSWORD", env.postgres.superuserPassword()),
                Duration.ofMinutes(2),
                List.of(
                        "pg_restore",
                        "-h",
                        "127.0.0.1",
                        "-p",
                        Integer.toString(env.postgres.port()),
                        "-U",
                        "postgres",
                        "--no-owner",
                        "-d",
                        "restored",
                        archive.toString()));
        restore.ok();
        String fingerprint = "select count(*) || ':' || md5(string_agg(id || body, ',' order by id)) from dumped";
        String original = psql("-At", "-c", fingerprint).ok().out().strip();
        try (Connection restored = env.postgres.superuserDataSource("restored").getConnection();
                ResultSet rs = restored.createStatement().executeQuery(fingerprint)) {
            rs.next();
            assertThat(rs.getString(1)).isEqualTo(original).startsWith("5000:");
        }
    }

    @Test
    void nodePostgresWorksUnchanged() throws Exception {
        Path project = Path.of("src/test/clients").toAbsolutePath();
        if (!Files.isDirectory(project.resolve("node_modules/pg"))) {
            Cli.run(project, Map.of(), Duration.ofMinutes(3), List.of("npm", "ci", "--no-audit", "--no-fund"))
                    .ok();
        }
        String marker = "node-" + UUID.randomUUID();
        Cli run = Cli.run(
                        project,
                        Map.of(),
                        Duration.ofMinutes(1),
                        List.of("node", "client.mjs", "127.0.0.1", port(), "shop", AGENT, SECRET, marker))
                .ok();
        assertThat(run.out().strip())
                .isEqualTo(
                        "{\"simple\":\"" + marker + "\",\"extended\":42,\"rows\":2,\"error\":\"22012\",\"after\":1}");
    }

    @Test
    void psycopg2WorksUnchanged() throws Exception {
        Path script = Path.of("src/test/clients/client.py").toAbsolutePath();
        String marker = "py-" + UUID.randomUUID();
        // Debian's interpreter, where python3-psycopg2 is installed (not a pyenv one on PATH).
        Cli run = Cli.run(
                        dir,
                        Map.of(),
                        Duration.ofMinutes(1),
                        List.of(
                                "/usr/bin/python3",
                                script.toString(),
                                "127.0.0.1",
                                port(),
                                "shop",
                                AGENT,
                                SECRET,
                                marker))
                .ok();
        assertThat(run.out().strip())
                .isEqualTo("{\"marker\": \"" + marker + "\", \"sum\": 6, \"error\": \"22012\", \"after\": 1}");
    }

    @Test
    void asyncpgWorksUnchanged() throws Exception {
        Path script = Path.of("src/test/clients/client_asyncpg.py").toAbsolutePath();
        String marker = "asyncpg-" + UUID.randomUUID();
        Cli run = Cli.run(
                        dir,
                        Map.of(),
                        Duration.ofMinutes(1),
                        List.of(
                                "/usr/bin/python3",
                                script.toString(),
                                "127.0.0.1",
                                port(),
                                "shop",
                                AGENT,
                                SECRET,
                                marker))
                .ok();
        assertThat(run.out().strip())
                .isEqualTo("{\"marker\": \"" + marker + "\", \"sum\": 15, \"error\": \"22012\", \"after\": 1}");
    }

    @Test
    void everyClientGoesOnAfterADenial() throws Exception {
        Path clients = Path.of("src/test/clients").toAbsolutePath();
        String denied = "drop table t";
        Cli psql =
                cli(throughAs(GUARDED, "psql", "-X", "-At", "-c", "drop table pg_temp.nothing", "-c", "select 41 + 1"));
        assertThat(psql.err()).contains("ERROR:  denied by Vigil policy 'baseline', rule 'no-drop'");
        assertThat(psql.out().strip()).isEqualTo("42");
        String marker = "guarded-" + UUID.randomUUID();
        Cli py = Cli.run(
                        dir,
                        Map.of(),
                        Duration.ofMinutes(1),
                        List.of(
                                "/usr/bin/python3",
                                clients.resolve("client.py").toString(),
                                "127.0.0.1",
                                port(),
                                "shop",
                                GUARDED,
                                SECRET,
                                marker,
                                denied))
                .ok();
        assertThat(py.out().strip())
                .isEqualTo("{\"marker\": \"" + marker + "\", \"sum\": 6, \"error\": \"42501\", \"after\": 1}");
        Cli asyncpg = Cli.run(
                        dir,
                        Map.of(),
                        Duration.ofMinutes(1),
                        List.of(
                                "/usr/bin/python3",
                                clients.resolve("client_asyncpg.py").toString(),
                                "127.0.0.1",
                                port(),
                                "shop",
                                GUARDED,
                                SECRET,
                                marker,
                                denied))
                .ok();
        assertThat(asyncpg.out().strip())
                .isEqualTo("{\"marker\": \"" + marker + "\", \"sum\": 6, \"error\": \"42501\", \"after\": 1}");
        if (!Files.isDirectory(clients.resolve("node_modules/pg"))) {
            Cli.run(clients, Map.of(), Duration.ofMinutes(3), List.of("npm", "ci", "--no-audit", "--no-fund"))
                    .ok();
        }
        Cli node = Cli.run(
                        clients,
                        Map.of(),
                        Duration.ofMinutes(1),
                        List.of("node", "client.mjs", "127.0.0.1", port(), "shop", GUARDED, SECRET, marker, denied))
                .ok();
        assertThat(node.out().strip())
                .isEqualTo(
                        "{\"simple\":\"" + marker + "\",\"extended\":42,\"rows\":2,\"error\":\"42501\",\"after\":1}");
    }

    /** Waits until the target is running {@code sql}, so a cancel has something to cancel. */
    private void awaitRunningAtTarget(String sql) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        try (Connection admin = env.postgres.superuserDataSource("postgres").getConnection();
                PreparedStatement running = admin.prepareStatement(
                        "select count(*) from pg_stat_activity where state = 'active' and query = ?")) {
            running.setString(1, sql);
            while (System.nanoTime() < deadline) {
                try (ResultSet rs = running.executeQuery()) {
                    rs.next();
                    if (rs.getInt(1) > 0) {
                        return;
                    }
                }
                Thread.sleep(50);
            }
        }
        throw new AssertionError("the target never ran " + sql);
    }

    private void ensurePgbenchTables() throws Exception {
        if (!pgbenchReady) {
            // pgbench -i loads its tables with COPY FROM STDIN, through the gateway too.
            cli(through("pgbench", "-i", "-s", "1", "-q")).ok();
            pgbenchReady = true;
        }
    }

    private Cli psql(String... args) throws Exception {
        return cli(psqlCommand(args));
    }

    private List<String> psqlCommand(String... args) {
        List<String> options = new java.util.ArrayList<>(List.of("-X", "-v", "ON_ERROR_STOP=1"));
        options.addAll(List.of(args));
        return through("psql", options.toArray(String[]::new));
    }

    /** {@code program} with {@code args}, connecting to the target through the gateway as the agent. */
    private List<String> through(String program, String... args) {
        return throughAs(AGENT, program, args);
    }

    private List<String> throughAs(String agent, String program, String... args) {
        List<String> command =
                new java.util.ArrayList<>(List.of(program, "-h", "127.0.0.1", "-p", port(), "-U", agent));
        command.addAll(List.of(args));
        command.add("shop"); // the database operand, last: pgbench's -d means something else
        return command;
    }

    private Cli cli(List<String> command) throws Exception {
        return Cli.run(dir, Map.of("PGPASSWORD", SECRET), Duration.ofMinutes(2), command);
    }

    private String port() {
        return Integer.toString(env.gateway.address().getPort());
    }
}
