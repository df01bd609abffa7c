package io.vigil.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.proxy.audit.AuditEvent;
import io.vigil.proxy.audit.AuditEvent.CancelRequested;
import io.vigil.proxy.audit.AuditEvent.LoginRefused;
import io.vigil.proxy.audit.AuditEvent.PersonActed;
import io.vigil.proxy.audit.AuditEvent.Protocol;
import io.vigil.proxy.audit.AuditEvent.SessionClosed;
import io.vigil.proxy.audit.AuditEvent.SessionOpened;
import io.vigil.proxy.audit.AuditEvent.StatementCompleted;
import io.vigil.proxy.audit.AuditEvent.StatementStarted;
import io.vigil.proxy.audit.Outcome;
import io.vigil.proxy.audit.TrailChain;
import io.vigil.proxy.audit.export.JsonLinesFileSink;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every kind of trail event, stamped by a clock with nanosecond digits (as Java's system clock is
 * on Linux), recorded through the real spool and store, verifies intact from the store, from an
 * export of it and from the SIEM's JSON lines. PostgreSQL rounds a time to the microsecond; an
 * event hashed over a truncated time then disagreed with its stored copy about half of the time,
 * and the verifier called an untouched trail tampered.
 */
class TrailInstantsIT {

    @TempDir
    static Path dir;

    static TestEnvironment env;
    static AuditCli cli;
    static JsonLinesFileSink siem;

    /** A clock whose every reading has 7 to 9 sub-microsecond digits that PostgreSQL rounds up. */
    private static final Supplier<Instant> NANO_CLOCK = new Supplier<>() {
        private Instant next = Instant.parse("2026-12-07T10:00:00.000000999Z");

        @Override
        public synchronized Instant get() {
            Instant now = next;
            next = next.plusNanos(1_000_777);
            return now;
        }
    };

    @BeforeAll
    static void recordEveryKind() throws Exception {
        siem = new JsonLinesFileSink(dir.resolve("siem.jsonl"));
        env = new TestEnvironment(dir.resolve("pg"), List.of(siem));
        cli = new AuditCli(env, dir.resolve("trail-signing.pub"));

        UUID agent = env.agent("stamped", "owner@example.com", "s3cret-stamped");
        UUID session = UUID.randomUUID();
        TrailChain chain = new TrailChain();
        record(
                chain,
                new SessionOpened(
                        session, agent, env.targetId, "10.0.0.7", "etl", null, null, "shop", false, NANO_CLOCK.get()));
        // A completion carries its statement's start: the store keeps one per statement.
        Instant statementStart = NANO_CLOCK.get();
        record(chain, new StatementStarted(session, 1, statementStart, "select 1", Protocol.SIMPLE, null, null, null));
        record(chain, new CancelRequested(session, NANO_CLOCK.get(), 1, "10.0.0.8"));
        record(chain, new StatementCompleted(session, 1, statementStart, 17, Outcome.completed("SELECT 1", 1L)));
        record(chain, new SessionClosed(session, NANO_CLOCK.get(), "client closed"));
        record(
                new TrailChain(),
                new LoginRefused(
                        UUID.randomUUID(),
                        NANO_CLOCK.get(),
                        "who",
                        null,
                        "10.0.0.9",
                        null,
                        "shop",
                        "28P01",
                        "no such agent"));
        for (int i = 0; i < 4; i++) {
            record(
                    new TrailChain(),
                    new PersonActed(
                            UUID.randomUUID(),
                            NANO_CLOCK.get(),
                            "admin",
                            "agent.create",
                            "agent",
                            UUID.randomUUID(),
                            "agent-" + i,
                            "created"));
        }
        TestEnvironment.await(env::unsignedRecords, n -> n == 0);
    }

    private static void record(TrailChain chain, AuditEvent event) {
        TrailChain.Link link = chain.link(event);
        assertThat(env.audit.record(link)).isTrue();
        chain.advance(link);
    }

    @AfterAll
    static void stop() throws Exception {
        env.close();
        siem.close();
    }

    @Test
    void everyInstantIsCanonicalFromItsConstruction() {
        Instant raw = Instant.parse("2026-12-07T10:00:00.123456789Z");
        Instant micros = Instant.parse("2026-12-07T10:00:00.123456Z");
        UUID id = UUID.randomUUID();
        assertThat(List.of(
                        new SessionOpened(id, id, id, "a", null, null, null, null, false, raw).startedAt(),
                        new StatementStarted(id, 1, raw, "x", Protocol.SIMPLE, null, null, null).startedAt(),
                        new StatementCompleted(id, 1, raw, 0, Outcome.skipped()).startedAt(),
                        new SessionClosed(id, raw, "r").endedAt(),
                        new LoginRefused(id, raw, "u", null, "a", null, "d", "28000", "r").at(),
                        new CancelRequested(id, raw, 0, "a").at(),
                        new PersonActed(id, raw, "a", "b", "c", null, "n", "d").at(),
                        new AuditEvent.Pruned(id, raw).before()))
                .containsOnly(micros);
    }

    @Test
    void theStoreVerifiesIntact() {
        AuditCli.Verification store = cli.verify();
        assertThat(store.status()).as(store.out()).isZero();
        assertThat(store.out()).contains("verdict: intact").doesNotContain("TAMPERED");
    }

    @Test
    void anExportOfTheStoreVerifiesIntact() {
        Path export = dir.resolve("export.jsonl");
        AuditCli.Verification exported = cli.run(
                "export", "--store", cli.storeUrl(), "--user", TestEnvironment.STORE_USER, "--out", export.toString());
        assertThat(exported.status()).as(exported.out()).isZero();
        AuditCli.Verification verified =
                cli.run("verify", "--public-key", cli.publicKey().toString(), "--export", export.toString());
        assertThat(verified.status()).as(verified.out()).isZero();
    }

    @Test
    void theSiemsJsonLinesVerifyIntact() {
        AuditCli.Verification verified = cli.run(
                "verify",
                "--public-key",
                cli.publicKey().toString(),
                "--export",
                dir.resolve("siem.jsonl").toString());
        assertThat(verified.status()).as(verified.out()).isZero();
    }
}
