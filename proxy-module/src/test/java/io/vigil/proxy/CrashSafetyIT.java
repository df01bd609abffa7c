package io.vigil.proxy;

import static io.vigil.db.jooq.Tables.SESSION_VIEW;
import static io.vigil.db.jooq.Tables.STATEMENT_VIEW;
import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.db.jooq.tables.records.StatementViewRecord;
import io.vigil.proxy.audit.AuditEvent;
import io.vigil.proxy.audit.JooqAuditSink;
import io.vigil.proxy.audit.Outcome;
import io.vigil.proxy.audit.TrailChain;
import io.vigil.proxy.audit.TrailRecord;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fault injection: the gateway is killed (SIGKILL) under load, and the store goes away under load.
 * Afterwards every statement the target database logged (log_statement = all) from the gateway's
 * upstream role must have its record in the trail.
 */
class CrashSafetyIT {

    private static final Pattern LOGGED = Pattern.compile("statement: insert into marks values \\((\\d+)\\)");

    @TempDir
    static Path dir;

    static TestEnvironment env;
    static Path log;

    @BeforeAll
    static void start() throws Exception {
        log = dir.resolve("pglog");
        env = new TestEnvironment(
                dir,
                null,
                null,
                null,
                Map.of(
                        "logging_collector", "on",
                        "log_directory", log.toString(),
                        "log_filename", "postgresql.log",
                        "log_statement", "all",
                        "log_line_prefix", "%u:"),
                "disable",
                null);
        env.agent("loader", "owner", "s3cret-loader");
        try (Connection c = env.postgres
                        .dataSource("shop", TestEnvironment.UPSTREAM_ROLE, TestEnvironment.UPSTREAM_PASSWORD)
                        .getConnection();
                Statement s = c.createStatement()) {
            s.execute("create table marks (n bigint primary key)");
        }
    }

    @AfterAll
    static void stop() {
        env.close();
    }

    @Test
    void aGatewayKilledUnderLoadLosesNoRecordOfAnythingItForwarded() throws Exception {
        Path spool = dir.resolve("child-spool");
        int port = freePort();
        Process gateway = startGateway(spool, port);
        AtomicLong next = new AtomicLong(1_000_000);
        List<Thread> load = startLoad(port, next, 4);
        Thread.sleep(1_500);
        gateway.destroyForcibly().waitFor(10, TimeUnit.SECONDS); // SIGKILL: no shutdown hook, no flush
        for (Thread t : load) {
            t.join(10_000);
        }
        Process restarted = startGateway(spool, port); // ships what the killed one spooled
        try {
            assertEveryLoggedInsertIsRecorded(1_000_000);
        } finally {
            restarted.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void whileTheStoreIsAwayTheSpoolKeepsEveryRecordAndShipsItLater() throws Exception {
        AtomicLong next = new AtomicLong(2_000_000);
        // Agents log in while the store is there (a login needs it); then it goes away under load.
        List<Thread> load = startLoad(env.gateway.address().getPort(), next, 4);
        try (Connection admin = env.postgres.superuserDataSource("postgres").getConnection();
                Statement s = admin.createStatement()) {
            try {
                s.execute("alter database vigil allow_connections false");
                s.execute("select pg_terminate_backend(pid) from pg_stat_activity where datname = 'vigil'");
                Thread.sleep(1_500);
                stopLoad(load);
                assertThat(env.audit.backlog()).as("records wait in the spool").isPositive();
            } finally {
                s.execute("alter database vigil allow_connections true");
            }
        }
        assertEveryLoggedInsertIsRecorded(2_000_000);
    }

    @Test
    void aCommitWhoseAnswerIsLostIsNotShippedTwice() throws Exception {
        AtomicBoolean loseNextCommitAnswer = new AtomicBoolean();
        DataSource lossy = answerLosing(
                env.postgres.dataSource("vigil", TestEnvironment.STORE_USER, TestEnvironment.STORE_PASSWORD),
                loseNextCommitAnswer);
        UUID agent = env.agent("lossy-" + UUID.randomUUID(), "owner@example.com", "unused-secret");
        UUID session = UUID.randomUUID();
        TrailChain chain = new TrailChain();
        try (JooqAuditSink sink = new JooqAuditSink(
                lossy, dir.resolve("lossy-spool"), env.trailSigner, JooqAuditSink.Settings.defaults())) {
            record(sink, chain, opened(session, agent, "lossy"));
            TestEnvironment.await(() -> sessionsWithId(session), n -> n == 1);
            loseNextCommitAnswer.set(true); // the next batch lands, but the shipper hears an error
            for (int seq = 1; seq <= 20; seq++) {
                record(
                        sink,
                        chain,
                        new AuditEvent.StatementStarted(
                                session,
                                seq,
                                Instant.now(),
                                "select " + seq,
                                AuditEvent.Protocol.SIMPLE,
                                null,
                                null,
                                null));
                record(
                        sink,
                        chain,
                        new AuditEvent.StatementCompleted(
                                session, seq, Instant.now(), 5, Outcome.completed("SELECT 1", 1L)));
            }
            List<StatementViewRecord> shipped =
                    TestEnvironment.await(() -> env.statementsOf(agent), rows -> rows.size() == 20);
            assertThat(loseNextCommitAnswer).as("an answer was lost").isFalse();
            TestEnvironment.await(sink::backlog, bytes -> bytes == 0); // the shipper went on
            assertThat(shipped).extracting(StatementViewRecord::getSeq).doesNotHaveDuplicates();
        }
        // Closing signs what the interval (30 s here) had not reached yet.
        UUID spool = env.store.fetchValue("select spool_id from vigil.session where id = ?", session) instanceof UUID u
                ? u
                : null;
        assertThat(env.store.fetchValue(
                        "select max(tree_size) = (select leaves from vigil.trail_cursor where spool_id = ?)"
                                + " from vigil.trail_checkpoint where spool_id = ?",
                        spool,
                        spool))
                .isEqualTo(true);
    }

    @Test
    void aDriverErrorDoesNotStopTheShipper() throws Exception {
        AtomicBoolean failNextStatement = new AtomicBoolean(true);
        DataSource failing = answerLosing(
                env.postgres.dataSource("vigil", TestEnvironment.STORE_USER, TestEnvironment.STORE_PASSWORD),
                new AtomicBoolean(),
                failNextStatement);
        UUID agent = env.agent("failing-" + UUID.randomUUID(), "owner@example.com", "unused-secret");
        UUID session = UUID.randomUUID();
        try (JooqAuditSink sink = new JooqAuditSink(
                failing, dir.resolve("failing-spool"), env.trailSigner, JooqAuditSink.Settings.defaults())) {
            record(sink, new TrailChain(), opened(session, agent, "failing"));
            TestEnvironment.await(() -> sessionsWithId(session), n -> n == 1);
        }
        assertThat(failNextStatement).as("the driver's error was thrown").isFalse();
    }

    /**
     * What a spool still holds from before a restart ships as soon as the sink starts: the SIEM
     * streams hear it too (had they been attached after the shipper started, they could miss it, and
     * a stream missing records reads as records deleted).
     */
    @Test
    void whatTheSpoolHeldBeforeARestartReachesTheSiemStreams() throws Exception {
        DataSource down = (DataSource) Proxy.newProxyInstance(
                DataSource.class.getClassLoader(), new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
                    throw new SQLException("the store is down");
                });
        UUID agent = env.agent("restarted-" + UUID.randomUUID(), "owner@example.com", "unused-secret");
        UUID session = UUID.randomUUID();
        Path spoolDir = dir.resolve("restart-spool");
        TrailChain chain = new TrailChain();
        try (JooqAuditSink sink =
                new JooqAuditSink(down, spoolDir, env.trailSigner, JooqAuditSink.Settings.defaults())) {
            record(sink, chain, opened(session, agent, "restarted"));
            record(sink, chain, new AuditEvent.SessionClosed(session, Instant.now(), "client terminated"));
        }
        List<TrailRecord> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (JooqAuditSink sink = new JooqAuditSink(
                env.postgres.dataSource("vigil", TestEnvironment.STORE_USER, TestEnvironment.STORE_PASSWORD),
                spoolDir,
                env.trailSigner,
                JooqAuditSink.Settings.defaults(),
                List.of((records, checkpoint) -> heard.addAll(records)))) {
            TestEnvironment.await(() -> heard.size(), n -> n == 2);
            assertThat(sink.backlog()).isZero();
        }
        assertThat(heard).extracting(TrailRecord::leaf).containsExactly(0L, 1L);
        assertThat(heard).extracting(r -> r.event().sessionId()).containsOnly(session);
    }

    private static AuditEvent.SessionOpened opened(UUID session, UUID agent, String application) {
        return new AuditEvent.SessionOpened(
                session, agent, env.targetId, "127.0.0.1", application, null, null, "shop", false, Instant.now());
    }

    private static void record(JooqAuditSink sink, TrailChain chain, AuditEvent event) {
        TrailChain.Link link = chain.link(event);
        assertThat(sink.record(link)).isTrue();
        chain.advance(link);
    }

    private static int sessionsWithId(UUID session) {
        return env.store.fetchCount(SESSION_VIEW, SESSION_VIEW.ID.eq(session));
    }

    /** Connections whose commit, once armed, lands in the database but then reports a lost connection. */
    private static DataSource answerLosing(DataSource real, AtomicBoolean armed) {
        return answerLosing(real, armed, new AtomicBoolean());
    }

    /**
     * Also, once {@code failStatement} is set, a statement fails with the AssertionError pgjdbc
     * throws when its connection dies inside executeBatch.
     */
    private static DataSource answerLosing(DataSource real, AtomicBoolean armed, AtomicBoolean failStatement) {
        return (DataSource) Proxy.newProxyInstance(
                CrashSafetyIT.class.getClassLoader(), new Class<?>[] {DataSource.class}, (ds, dm, dargs) -> {
                    Object result = invoke(real, dm, dargs);
                    if (!(result instanceof Connection connection)) {
                        return result;
                    }
                    return Proxy.newProxyInstance(
                            CrashSafetyIT.class.getClassLoader(), new Class<?>[] {Connection.class}, (c, m, args) -> {
                                if (m.getName().equals("createStatement") && failStatement.getAndSet(false)) {
                                    throw new AssertionError(
                                            "pgStatement.getConnection().getAutoCommit() should not throw");
                                }
                                Object value = invoke(connection, m, args);
                                if (m.getName().equals("commit") && armed.getAndSet(false)) {
                                    throw new SQLException(
                                            "An I/O error occurred while sending to the backend.", "08006");
                                }
                                return value;
                            });
                });
    }

    private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private static final AtomicBoolean running = new AtomicBoolean();
    private static final List<String> failures = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** Starts {@code clients} inserting as fast as they can; returns once all are logged in. */
    private static List<Thread> startLoad(int port, AtomicLong next, int clients) throws InterruptedException {
        running.set(true);
        failures.clear();
        java.util.concurrent.CountDownLatch connected = new java.util.concurrent.CountDownLatch(clients);
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            threads.add(Thread.ofPlatform().start(() -> {
                Properties props = new Properties();
                props.setProperty("user", "loader");
                props.setProperty("password", "s3cret-loader");
                props.setProperty("preferQueryMode", "simple");
                try (Connection c =
                                DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/shop", props);
                        Statement s = c.createStatement()) {
                    connected.countDown();
                    while (running.get()) {
                        s.execute("insert into marks values (" + next.getAndIncrement() + ")");
                    }
                } catch (SQLException e) {
                    // the gateway died under us: expected; anything before that is noted
                    failures.add(e.getMessage());
                    connected.countDown();
                }
            }));
        }
        connected.await(30, TimeUnit.SECONDS);
        return threads;
    }

    private static void stopLoad(List<Thread> threads) throws InterruptedException {
        running.set(false);
        for (Thread t : threads) {
            t.join(10_000);
        }
    }

    /** Every insert the target logged from the gateway's role, between from and the next million, has a record. */
    private static void assertEveryLoggedInsertIsRecorded(long from) throws Exception {
        running.set(false);
        Set<Long> logged = loggedInserts(from);
        assertThat(logged)
                .as("the load ran; clients saw %s; log: %s", failures, logSample())
                .hasSizeGreaterThan(50);
        Set<Long> recorded = new HashSet<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!recorded.containsAll(logged) && System.nanoTime() < deadline) {
            Thread.sleep(200);
            recorded = recordedInserts(from);
        }
        Set<Long> missing = new HashSet<>(logged);
        missing.removeAll(recorded);
        assertThat(missing).as("executed by the database but not in the trail").isEmpty();
    }

    private static String logSample() throws IOException {
        StringBuilder sample = new StringBuilder();
        try (Stream<Path> files = Files.list(log)) {
            for (Path file : files.toList()) {
                sample.append(file.getFileName()).append(": ");
                Files.readAllLines(file).stream()
                        .filter(l -> l.contains("marks"))
                        .limit(3)
                        .forEach(l -> sample.append(l).append(" / "));
            }
        }
        return sample.toString();
    }

    private static Set<Long> loggedInserts(long from) throws IOException {
        Set<Long> numbers = new HashSet<>();
        try (Stream<Path> files = Files.list(log)) {
            for (Path file : files.toList()) {
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    Matcher m = LOGGED.matcher(line);
                    if (line.startsWith(TestEnvironment.UPSTREAM_ROLE) && m.find()) {
                        long n = Long.parseLong(m.group(1));
                        if (n >= from && n < from + 1_000_000) {
                            numbers.add(n);
                        }
                    }
                }
            }
        }
        return numbers;
    }

    private static Set<Long> recordedInserts(long from) {
        Set<Long> numbers = new HashSet<>();
        for (String sql : env.store
                .select(STATEMENT_VIEW.SQL_TEXT)
                .from(STATEMENT_VIEW)
                .where(STATEMENT_VIEW.SQL_TEXT.like("insert into marks values (%"))
                .fetch(STATEMENT_VIEW.SQL_TEXT)) {
            long n = Long.parseLong(sql.substring(sql.indexOf('(') + 1, sql.indexOf(')')));
            if (n >= from && n < from + 1_000_000) {
                numbers.add(n);
            }
        }
        return numbers;
    }

    private static Process startGateway(Path spool, int port) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process process = new ProcessBuilder(
                        java,
                        "--enable-native-access=ALL-UNNAMED",
                        "-cp",
                        System.getProperty("java.class.path"),
                        GatewayProcess.class.getName(),
                        Integer.toString(env.postgres.port()),
                        spool.toString(),
                        HexFormat.of().formatHex(env.credentialKey),
                        Integer.toString(port))
                .redirectErrorStream(true)
                .start();
        BufferedReader out =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = out.readLine()) != null && !line.equals("ready")) {
            // startup log lines
        }
        assertThat(line).as("the gateway process started").isEqualTo("ready");
        Thread.ofPlatform().daemon().start(() -> out.lines().forEach(l -> {}));
        return process;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
