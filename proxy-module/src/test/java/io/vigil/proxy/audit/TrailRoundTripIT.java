package io.vigil.proxy.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.db.EmbeddedDatabaseServer;
import io.vigil.db.VigilStore;
import io.vigil.proxy.audit.AuditEvent.CancelRequested;
import io.vigil.proxy.audit.AuditEvent.LoginRefused;
import io.vigil.proxy.audit.AuditEvent.PersonActed;
import io.vigil.proxy.audit.AuditEvent.Protocol;
import io.vigil.proxy.audit.AuditEvent.Pruned;
import io.vigil.proxy.audit.AuditEvent.SessionClosed;
import io.vigil.proxy.audit.AuditEvent.SessionOpened;
import io.vigil.proxy.audit.AuditEvent.StatementCompleted;
import io.vigil.proxy.audit.AuditEvent.StatementStarted;
import io.vigil.proxy.audit.export.TrailJson;
import io.vigil.proxy.audit.verify.StoreTrail;
import io.vigil.proxy.sql.StatementKind;
import io.vigil.proxy.sql.StatementShape;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every kind of trail record, the whole way: sealed into a chain, appended to a real spool,
 * shipped by the shipper into the store's tables (rows, COPY), read back by the store's reader
 * (what verification, export and evidence packs read), and from there through the codec and the
 * JSON line. Each comes back as the bytes that were hashed, under its own hash, index and leaf. A
 * new kind, or a new field one of these paths forgets, fails here.
 */
class TrailRoundTripIT {

    @TempDir
    static Path dir;

    private static EmbeddedDatabaseServer postgres;
    private static DataSource store;
    private static DSLContext dsl;

    private static final UUID TARGET = UUID.randomUUID();
    private static final UUID AGENT = UUID.randomUUID();
    private static final Instant T = Instant.parse("2026-11-22T09:15:00.123456Z");

    @BeforeAll
    static void start() {
        postgres = EmbeddedDatabaseServer.start(dir.resolve("pg"), 0);
        postgres.ensureDatabase("vigil", "vigil", "round-trip");
        store = postgres.dataSource("vigil", "vigil", "round-trip");
        VigilStore.migrate(store);
        dsl = VigilStore.dsl(store);
        dsl.execute(
                "insert into vigil.target (id, name, host, port, database_name, upstream_user, upstream_secret)"
                        + " values (?, 'shop', '127.0.0.1', 5432, 'shop', 'shop', '\\x00'::bytea)",
                TARGET);
        dsl.execute(
                "insert into vigil.agent (id, name, owner, purpose, target_id) values (?, 'etl', 'maria', 'test', ?)",
                AGENT,
                TARGET);
    }

    @AfterAll
    static void stop() {
        postgres.close();
    }

    private static StatementShape shape(String sql) {
        return new StatementShape(
                StatementKind.WRITE,
                "UpdateStmt",
                sql,
                List.of("public.orders", "we\"ird,{name}"),
                List.of("public.orders"),
                List.of("pg_catalog.now", "public.f\u00fc"),
                "abc123",
                null);
    }

    /** One session's chain, with a statement of every sort and an outcome shipped apart from its start. */
    private static List<AuditEvent> session(UUID id) {
        String update = "update orders set note = E'\\t\\\\N {a,\"b\"} NULL \u2603' where id = $1";
        return List.of(
                new SessionOpened(id, AGENT, TARGET, "10.0.0.7", "etl \u00e9", "alice", "JIRA-7", "shop", true, T),
                new StatementStarted(
                        id, 1, T, update, Protocol.EXTENDED, shape(update), Arrays.asList("42", null, ""), null),
                new StatementCompleted(id, 1, T, 1_234, Outcome.completed("UPDATE 1", 1L)),
                new StatementStarted(id, 2, T, "selec oops", Protocol.SIMPLE, null, null, "de".repeat(32)),
                new StatementCompleted(id, 2, T, 0, Outcome.refused("42601", "syntax error at \"selec\"\t\n")),
                new StatementStarted(
                        id,
                        3,
                        T,
                        "select 1",
                        Protocol.SIMPLE,
                        null,
                        null,
                        null,
                        new Judgement(Judgement.Effect.ALLOW, "baseline v3, export v1", null)),
                new StatementStarted(
                        id,
                        4,
                        T,
                        "drop table orders",
                        Protocol.EXTENDED,
                        null,
                        null,
                        null,
                        new Judgement(Judgement.Effect.DENY, "baseline v3", "no-drop")),
                new StatementCompleted(id, 4, T, 7, Outcome.refused("42501", "denied by Vigil policy 'baseline'")),
                new StatementStarted(
                        id,
                        5,
                        T,
                        "lock orders",
                        Protocol.SIMPLE,
                        null,
                        null,
                        null,
                        new Judgement(Judgement.Effect.REVIEW, "baseline v3", "review-lock")),
                new StatementStarted(
                        id,
                        6,
                        T,
                        "delete from orders where id > 0",
                        Protocol.SIMPLE,
                        null,
                        null,
                        null,
                        new Judgement(
                                Judgement.Effect.ALLOW,
                                "baseline v3, strict v2 (observe)",
                                null,
                                new Judgement.Observation(Judgement.Effect.DENY, "strict v2", "no-deletes"))),
                new CancelRequested(id, T, 5, "10.0.0.8"),
                new StatementCompleted(id, 5, T, 3, Outcome.failed("57014", "canceling statement")),
                new SessionClosed(id, T, "client terminated"));
    }

    /** Chains of one record: refused logins and what people did. */
    private static List<AuditEvent> alone() {
        return List.of(
                new LoginRefused(UUID.randomUUID(), T, "ghost", null, "203.0.113.9", null, null, "28P01", "no agent"),
                new LoginRefused(
                        UUID.randomUUID(), T, "etl", AGENT, "::1", "psql", "shop", "28000", "may connect only to shop"),
                new PersonActed(
                        UUID.randomUUID(),
                        T,
                        "maria",
                        "agent.transfer",
                        "agent",
                        AGENT,
                        "etl",
                        "owner: a -> j\u00f6rg"),
                new PersonActed(UUID.randomUUID(), T, "vigil", "usage.rebuild", "usage", null, "all agents", ""));
    }

    @Test
    void everyKindOfRecordComesBackFromTheStoreAsItWasHashed() throws Exception {
        List<TrailChain.Link> recorded = new ArrayList<>();
        UUID sessionId = UUID.randomUUID();
        try (JooqAuditSink sink = new JooqAuditSink(
                store,
                dir.resolve("spool"),
                TrailSigner.generate(),
                JooqAuditSink.Settings.defaults().withShipInterval(Duration.ofMillis(5)))) {
            List<AuditEvent> session = session(sessionId);
            TrailChain chain = new TrailChain();
            // The first statement's outcome ships in a later batch than its start (statement_outcome).
            int late = 2;
            for (AuditEvent event : session.subList(0, late)) {
                recorded.add(append(sink, chain, event));
            }
            awaitStored(recorded.size());
            for (AuditEvent event : session.subList(late, session.size())) {
                recorded.add(append(sink, chain, event));
            }
            for (AuditEvent event : alone()) {
                recorded.add(append(sink, new TrailChain(), event));
            }
            awaitStored(recorded.size());
        }

        Map<String, TrailRecord> read = new StoreTrail(dsl)
                .records().stream().collect(Collectors.toMap(r -> hex(r.storedHash()), Function.identity()));
        assertThat(read).hasSameSizeAs(recorded);
        for (TrailChain.Link link : recorded) {
            TrailRecord back = read.get(hex(link.hash()));
            assertThat(back).as("%s", link.event()).isNotNull();
            assertThat(back.chainIndex()).as("%s", link.event()).isEqualTo(link.index());
            assertThat(TrailCodec.encode(back.event()))
                    .as("%s from the store", link.event())
                    .isEqualTo(link.encoded());
            TrailRecord parsed = (TrailRecord) TrailJson.parse(TrailJson.line(back));
            assertThat(TrailCodec.encode(parsed.event()))
                    .as("%s from its JSON line", link.event())
                    .isEqualTo(link.encoded());
            assertThat(parsed.leaf()).isEqualTo(back.leaf());
            assertThat(parsed.storedHash()).isEqualTo(link.hash());
        }
        assertThat(read.values().stream().map(TrailRecord::leaf).sorted().toList())
                .as("leaves in the order the records were shipped")
                .isEqualTo(java.util.stream.LongStream.range(0, recorded.size())
                        .boxed()
                        .toList());
        UUID spool = (UUID) dsl.fetchValue("select spool_id from vigil.trail_cursor");
        assertThat(read.values()).extracting(TrailRecord::spoolId).containsOnly(spool);
        // One session's records, as the web app's integrity check reads them.
        List<TrailRecord> one = new StoreTrail(dsl).session(sessionId);
        assertThat(one)
                .extracting(r -> hex(r.storedHash()))
                .containsExactlyInAnyOrderElementsOf(recorded.stream()
                        .filter(l -> l.event().sessionId().equals(sessionId))
                        .map(l -> hex(l.hash()))
                        .toList());
        assertThat(kinds(recorded.stream().map(TrailChain.Link::event).toList()))
                .isEqualTo(spooledKinds());
    }

    /**
     * Every kind the spool can hold. A pruned record is made in the store by retention, never
     * spooled (RetentionIT reads it back).
     */
    private static Set<Class<?>> spooledKinds() {
        return Arrays.stream(AuditEvent.class.getPermittedSubclasses())
                .filter(kind -> kind != Pruned.class)
                .collect(Collectors.toSet());
    }

    private static Set<Class<?>> kinds(List<AuditEvent> events) {
        return events.stream().map(AuditEvent::getClass).collect(Collectors.toSet());
    }

    private static TrailChain.Link append(JooqAuditSink sink, TrailChain chain, AuditEvent event) {
        TrailChain.Link link = chain.link(event);
        assertThat(sink.record(link)).isTrue();
        chain.advance(link);
        return link;
    }

    private static void awaitStored(int records) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (new StoreTrail(dsl).records().size() < records) {
            assertThat(System.nanoTime())
                    .as("the shipper stores %d records", records)
                    .isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
