package io.vigil.proxy;

import static io.vigil.db.jooq.Tables.AGENT;
import static io.vigil.db.jooq.Tables.AGENT_CREDENTIAL;
import static io.vigil.db.jooq.Tables.POLICY;
import static io.vigil.db.jooq.Tables.POLICY_ATTACHMENT;
import static io.vigil.db.jooq.Tables.POLICY_EPOCH;
import static io.vigil.db.jooq.Tables.POLICY_VERSION;
import static io.vigil.db.jooq.Tables.SESSION;
import static io.vigil.db.jooq.Tables.STATEMENT_VIEW;
import static io.vigil.db.jooq.Tables.TARGET;
import static io.vigil.db.jooq.Tables.TRAIL_CHECKPOINT;
import static io.vigil.db.jooq.Tables.TRAIL_CURSOR;
import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.vigil.db.EmbeddedDatabaseServer;
import io.vigil.db.VigilStore;
import io.vigil.db.jooq.tables.records.StatementViewRecord;
import io.vigil.proxy.audit.AuditEvent;
import io.vigil.proxy.audit.AuditSink;
import io.vigil.proxy.audit.JooqAuditSink;
import io.vigil.proxy.audit.TrailChain;
import io.vigil.proxy.audit.TrailListener;
import io.vigil.proxy.audit.TrailSigner;
import io.vigil.proxy.auth.ScramSha256.Verifier;
import io.vigil.proxy.directory.JooqAgentDirectory;
import io.vigil.proxy.directory.JooqApprovalDesk;
import io.vigil.proxy.directory.JooqPolicyStore;
import io.vigil.proxy.directory.SecretBox;
import io.vigil.proxy.identity.WorkloadIdentity;
import io.vigil.proxy.sql.Redaction;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;

/**
 * A real stack for integration tests: one embedded PostgreSQL holding Vigil's store and a target
 * database {@code shop}, and a gateway in front of it.
 */
public final class TestEnvironment implements AutoCloseable {

    static final String TARGET_NAME = "shop";
    public static final String UPSTREAM_ROLE = "shop_gateway";
    public static final String UPSTREAM_PASSWORD = "upstream-password";
    static final String STORE_USER = "vigil";
    static final String STORE_PASSWORD = "store-password";
    private static final SecureRandom RANDOM = new SecureRandom();

    public final EmbeddedDatabaseServer postgres;
    final DSLContext store;
    private final HikariDataSource pool;
    /** The key sealing upstream credentials; a gateway in another process needs it too. */
    final byte[] credentialKey = randomBytes(32);
    /** Signs the trail's checkpoints; its public key is all a verifier needs. */
    public final TrailSigner trailSigner = TrailSigner.generate();

    final SecretBox secrets = new SecretBox(credentialKey, RANDOM);
    final UUID targetId = UUID.randomUUID();
    public final JooqAuditSink audit;
    public final Gateway gateway;
    /** Events the trail is to refuse, as a trail that is full or failing would; none unless a test says. */
    private volatile java.util.function.Predicate<AuditEvent> refused = e -> false;

    public TestEnvironment(Path dir) {
        this(dir, (Path) null);
    }

    /** @param listeners the trail's listeners (SIEM exports), there from its first record */
    public TestEnvironment(Path dir, List<TrailListener> listeners) {
        this(dir, null, null, null, Map.of(), "disable", null, listeners, null);
    }

    /** @param binariesJar another PostgreSQL major version's zonky binaries, or null for the default */
    public TestEnvironment(Path dir, Path binariesJar) {
        this(dir, binariesJar, null);
    }

    /** @param tls the gateway's certificate, or null to decline TLS */
    public TestEnvironment(Path dir, Path binariesJar, TlsSettings tls) {
        this(dir, binariesJar, tls, null);
    }

    /** @param identity the workload-token issuer, or null */
    public TestEnvironment(Path dir, Path binariesJar, TlsSettings tls, WorkloadIdentity identity) {
        this(dir, binariesJar, tls, identity, Map.of(), "disable", null);
    }

    /**
     * @param serverConfig extra PostgreSQL settings (TLS for the target, say)
     * @param targetTlsMode how the gateway connects to the target: disable, require, verify-full
     * @param upstreamCa the CA file the gateway trusts for verify-full, or null for the JDK's
     */
    public TestEnvironment(
            Path dir,
            Path binariesJar,
            TlsSettings tls,
            WorkloadIdentity identity,
            Map<String, String> serverConfig,
            String targetTlsMode,
            Path upstreamCa) {
        this(dir, binariesJar, tls, identity, serverConfig, targetTlsMode, upstreamCa, List.of(), null);
    }

    /**
     * An environment whose gateway holds what policy sends for review until a person decides in the
     * store (approval_request), or {@code limit} passes.
     */
    public static TestEnvironment withApprovals(Path dir, Duration limit) {
        return withApprovals(dir, limit, null);
    }

    /** As {@link #withApprovals(Path, Duration)}, agents also proving who they are with {@code identity}'s tokens. */
    public static TestEnvironment withApprovals(Path dir, Duration limit, WorkloadIdentity identity) {
        return new TestEnvironment(dir, null, null, identity, Map.of(), "disable", null, List.of(), limit);
    }

    private TestEnvironment(
            Path dir,
            Path binariesJar,
            TlsSettings tls,
            WorkloadIdentity identity,
            Map<String, String> serverConfig,
            String targetTlsMode,
            Path upstreamCa,
            List<TrailListener> listeners,
            Duration approvalLimit) {
        postgres = EmbeddedDatabaseServer.start(dir, 0, binariesJar, serverConfig);
        postgres.ensureDatabase("vigil", STORE_USER, STORE_PASSWORD);
        var storeSource = postgres.dataSource("vigil", STORE_USER, STORE_PASSWORD);
        VigilStore.migrate(storeSource);
        // Pooled, as in the web app: the gateway's directory asks the store every second.
        pool = new HikariDataSource(hikari(storeSource));
        store = VigilStore.dsl(pool);
        postgres.ensureDatabase("shop", UPSTREAM_ROLE, UPSTREAM_PASSWORD);
        store.insertInto(TARGET)
                .set(TARGET.ID, targetId)
                .set(TARGET.NAME, TARGET_NAME)
                .set(TARGET.HOST, "127.0.0.1")
                .set(TARGET.PORT, postgres.port())
                .set(TARGET.DATABASE_NAME, "shop")
                .set(TARGET.UPSTREAM_USER, UPSTREAM_ROLE)
                .set(TARGET.TLS_MODE, targetTlsMode)
                .set(
                        TARGET.UPSTREAM_SECRET,
                        secrets.seal(UPSTREAM_PASSWORD, JooqAgentDirectory.credentialOwner(targetId)))
                .execute();
        // Tests of recording run anything; tests of guardrails choose a preset (see enforce).
        allowEverything();
        // Checkpoints every 200 ms, so a test sees its statements under a signed root at once (the
        // benchmark sets the production interval with -Dvigil.test.checkpointMillis).
        audit = new JooqAuditSink(
                storeSource,
                dir.resolve("spool"),
                trailSigner,
                JooqAuditSink.Settings.defaults()
                        .withCheckpointInterval(Duration.ofMillis(Long.getLong("vigil.test.checkpointMillis", 200))),
                listeners);
        gateway = Gateway.start(
                GatewayConfig.builder("127.0.0.1", 0)
                        // The benchmark can set the event-loop count with -Dvigil.test.ioThreads.
                        .ioThreads(Integer.getInteger(
                                "vigil.test.ioThreads", Runtime.getRuntime().availableProcessors()))
                        // Short enough for a test to watch a session time out, longer than any test statement.
                        .idleTimeout(Duration.ofSeconds(3))
                        .tls(tls)
                        .workloadIdentity(identity)
                        .upstreamCa(upstreamCa)
                        .redaction(Redaction.keyed(randomBytes(32)))
                        .approvalLimit(approvalLimit == null ? Duration.ofMinutes(5) : approvalLimit)
                        .approvalsPage("https://vigil.example/approvals")
                        .build(),
                new JooqAgentDirectory(store, secrets, InstantSource.system()),
                new JooqPolicyStore(store),
                approvalLimit == null ? null : new JooqApprovalDesk(store),
                new AuditSink() {
                    @Override
                    public boolean record(TrailChain.Link link) {
                        return !refused.test(link.event()) && audit.record(link);
                    }

                    @Override
                    public boolean congested() {
                        return audit.congested();
                    }

                    @Override
                    public void whenDrained(Runnable action) {
                        audit.whenDrained(action);
                    }
                });
    }

    /** The target's agents run anything: a policy without rules, attached to the target alone. */
    private void allowEverything() {
        UUID policy = UUID.randomUUID();
        store.insertInto(POLICY)
                .set(POLICY.ID, policy)
                .set(POLICY.NAME, "tests-allow-all")
                .execute();
        store.insertInto(POLICY_VERSION)
                .set(POLICY_VERSION.POLICY_ID, policy)
                .set(POLICY_VERSION.VERSION, 1)
                .set(POLICY_VERSION.DOCUMENT, "{\"name\": \"tests-allow-all\", \"rules\": []}")
                .set(POLICY_VERSION.CREATED_BY, "tests")
                .execute();
        attach(policy);
    }

    private void attach(UUID policy) {
        store.deleteFrom(POLICY_ATTACHMENT)
                .where(POLICY_ATTACHMENT.TARGET_ID.eq(targetId))
                .execute();
        store.insertInto(POLICY_ATTACHMENT)
                .set(POLICY_ATTACHMENT.ID, UUID.randomUUID())
                .set(POLICY_ATTACHMENT.POLICY_ID, policy)
                .set(POLICY_ATTACHMENT.TARGET_ID, targetId)
                .set(POLICY_ATTACHMENT.CREATED_BY, "tests")
                .execute();
    }

    /**
     * From now on the target's agents are judged by the preset {@code name} alone; returns once the
     * gateway has it in force.
     */
    public void enforce(String name) {
        attach(store.select(POLICY.ID).from(POLICY).where(POLICY.NAME.eq(name)).fetchSingle(POLICY.ID));
        awaitPolicies();
    }

    /**
     * Adds the preset {@code name} for the agent {@code agent} alone, beside what the target has;
     * returns once the gateway has it in force.
     */
    public void enforceFor(String name, String agent) {
        store.insertInto(POLICY_ATTACHMENT)
                .set(POLICY_ATTACHMENT.ID, UUID.randomUUID())
                .set(
                        POLICY_ATTACHMENT.POLICY_ID,
                        store.select(POLICY.ID)
                                .from(POLICY)
                                .where(POLICY.NAME.eq(name))
                                .fetchSingle(POLICY.ID))
                .set(POLICY_ATTACHMENT.TARGET_ID, targetId)
                .set(POLICY_ATTACHMENT.AGENTS, new String[] {agent})
                .set(POLICY_ATTACHMENT.CREATED_BY, "tests")
                .execute();
        awaitPolicies();
    }

    /**
     * Stores a new version of the policy {@code name} (made on its first version) with the rules
     * in {@code document}, in {@code mode} (enforce or observe), attached to the target beside what it
     * has; returns once the gateway has it in force.
     */
    public void policyVersion(String name, String document, String mode) {
        UUID policy =
                store.select(POLICY.ID).from(POLICY).where(POLICY.NAME.eq(name)).fetchOne(POLICY.ID);
        int version = 1;
        if (policy == null) {
            policy = UUID.randomUUID();
            store.insertInto(POLICY)
                    .set(POLICY.ID, policy)
                    .set(POLICY.NAME, name)
                    .execute();
            store.insertInto(POLICY_ATTACHMENT)
                    .set(POLICY_ATTACHMENT.ID, UUID.randomUUID())
                    .set(POLICY_ATTACHMENT.POLICY_ID, policy)
                    .set(POLICY_ATTACHMENT.TARGET_ID, targetId)
                    .set(POLICY_ATTACHMENT.CREATED_BY, "tests")
                    .execute();
        } else {
            version = 1
                    + store.select(DSL.max(POLICY_VERSION.VERSION))
                            .from(POLICY_VERSION)
                            .where(POLICY_VERSION.POLICY_ID.eq(policy))
                            .fetchSingle(DSL.max(POLICY_VERSION.VERSION));
        }
        store.insertInto(POLICY_VERSION)
                .set(POLICY_VERSION.POLICY_ID, policy)
                .set(POLICY_VERSION.VERSION, version)
                .set(POLICY_VERSION.DOCUMENT, document)
                .set(POLICY_VERSION.MODE, mode)
                .set(POLICY_VERSION.CREATED_BY, "tests")
                .execute();
        awaitPolicies();
    }

    /** Waits until the gateway has the store's policies in force (it checks four times a second). */
    public void awaitPolicies() {
        long epoch = store.select(POLICY_EPOCH.EPOCH).from(POLICY_EPOCH).fetchSingle(POLICY_EPOCH.EPOCH);
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (gateway.policies().book().epoch() < epoch) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the gateway did not load policy epoch " + epoch + " within 10 s");
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    /** From now on the trail refuses the events {@code which} matches. */
    void refuseRecording(java.util.function.Predicate<AuditEvent> which) {
        refused = which;
    }

    private static HikariConfig hikari(javax.sql.DataSource source) {
        HikariConfig config = new HikariConfig();
        config.setDataSource(source);
        config.setMaximumPoolSize(4);
        config.setPoolName("vigil-test-store");
        return config;
    }

    /**
     * Records not yet under a signed checkpoint: in the spool, or stored after the newest one. -1
     * before the first checkpoint.
     */
    long unsignedRecords() {
        Long leaves = store.select(TRAIL_CURSOR.LEAVES).from(TRAIL_CURSOR).fetchOne(TRAIL_CURSOR.LEAVES);
        Long signed = store.select(DSL.max(TRAIL_CHECKPOINT.TREE_SIZE))
                .from(TRAIL_CHECKPOINT)
                .fetchOne(0, Long.class);
        return leaves == null || signed == null ? -1 : leaves - signed + audit.backlog();
    }

    /** Creates an active agent with one secret; returns its id. */
    public UUID agent(String name, String owner, String secret) {
        UUID id = insertAgent(name, owner, "secret");
        store.insertInto(AGENT_CREDENTIAL)
                .set(AGENT_CREDENTIAL.ID, UUID.randomUUID())
                .set(AGENT_CREDENTIAL.AGENT_ID, id)
                .set(
                        AGENT_CREDENTIAL.SCRAM_VERIFIER,
                        Verifier.of(secret, RANDOM).encode())
                .execute();
        return id;
    }

    /**
     * Creates an active agent that logs in to the target as a role of its own ({@code role}, with
     * {@code rolePassword}, which the caller creates at the target); returns its id.
     */
    public UUID agentWithRole(String name, String secret, String role, String rolePassword) {
        UUID id = agent(name, "owner@example.com", secret);
        store.update(AGENT)
                .set(AGENT.UPSTREAM_USER, role)
                .set(AGENT.UPSTREAM_SECRET, secrets.seal(rolePassword, JooqAgentDirectory.agentCredentialOwner(id)))
                .where(AGENT.ID.eq(id))
                .execute();
        return id;
    }

    /** Names {@code role} as Vigil's management login on the target (its secret is never used here). */
    public void managementRole(String role) {
        store.update(TARGET)
                .set(TARGET.MANAGEMENT_USER, role)
                .set(
                        TARGET.MANAGEMENT_SECRET,
                        secrets.seal("unused", JooqAgentDirectory.managementCredentialOwner(targetId)))
                .where(TARGET.ID.eq(targetId))
                .execute();
    }

    /** Creates an active agent that proves who it is with workload tokens; returns its id. */
    public UUID tokenAgent(String name, String owner) {
        return insertAgent(name, owner, "oidc");
    }

    private UUID insertAgent(String name, String owner, String identity) {
        UUID id = UUID.randomUUID();
        store.insertInto(AGENT)
                .set(AGENT.ID, id)
                .set(AGENT.NAME, name)
                .set(AGENT.OWNER, owner)
                .set(AGENT.PURPOSE, "integration test")
                .set(AGENT.TARGET_ID, targetId)
                .set(AGENT.IDENTITY, identity)
                .execute();
        return id;
    }

    Connection connect(String user, String password, String... options) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", user);
        props.setProperty("password", password);
        for (int i = 0; i + 1 < options.length; i += 2) {
            props.setProperty(options[i], options[i + 1]);
        }
        return DriverManager.getConnection(
                "jdbc:postgresql://127.0.0.1:" + gateway.address().getPort() + "/" + TARGET_NAME, props);
    }

    static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    /** The first statement of {@code agent} with text {@code sql}, once its outcome is in the store. */
    StatementViewRecord awaitOutcome(UUID agent, String sql) throws InterruptedException {
        return await(
                        () -> statementsOf(agent).stream()
                                .filter(r -> r.getSqlText().equals(sql))
                                .findFirst(),
                        java.util.Optional::isPresent)
                .orElseThrow();
    }

    /** The recorded statements of {@code agent} whose outcome is known, in the order they ran. */
    List<StatementViewRecord> statementsOf(UUID agent) {
        return store.select(STATEMENT_VIEW.fields())
                .from(STATEMENT_VIEW)
                .join(SESSION)
                .on(SESSION.ID.eq(STATEMENT_VIEW.SESSION_ID))
                .where(SESSION.AGENT_ID.eq(agent))
                .and(STATEMENT_VIEW.OUTCOME.isNotNull())
                .orderBy(SESSION.STARTED_AT, STATEMENT_VIEW.SEQ)
                .fetchInto(STATEMENT_VIEW);
    }

    /** The recorded statements of {@code agent}, whether or not their outcome is known. */
    List<StatementViewRecord> statementsOfAnyOutcome(UUID agent) {
        return store.select(STATEMENT_VIEW.fields())
                .from(STATEMENT_VIEW)
                .join(SESSION)
                .on(SESSION.ID.eq(STATEMENT_VIEW.SESSION_ID))
                .where(SESSION.AGENT_ID.eq(agent))
                .orderBy(SESSION.STARTED_AT, STATEMENT_VIEW.SEQ)
                .fetchInto(STATEMENT_VIEW);
    }

    /** Polls {@code probe} until {@code done} holds, for up to 10 s; fails with the last value if not. */
    static <T> T await(Supplier<T> probe, Predicate<T> done) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        T value = probe.get();
        while (!done.test(value) && System.nanoTime() < deadline) {
            Thread.sleep(50);
            value = probe.get();
        }
        assertThat(done.test(value))
                .as("condition met within 10 s, last value: %s", value)
                .isTrue();
        return value;
    }

    @Override
    public void close() {
        gateway.close();
        audit.close();
        pool.close();
        postgres.close();
    }
}
