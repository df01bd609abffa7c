package io.vigil.proxy.audit.verify;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.proxy.audit.AuditEvent;
import io.vigil.proxy.audit.AuditEvent.CancelRequested;
import io.vigil.proxy.audit.AuditEvent.LoginRefused;
import io.vigil.proxy.audit.AuditEvent.PersonActed;
import io.vigil.proxy.audit.AuditEvent.Pruned;
import io.vigil.proxy.audit.AuditEvent.SessionClosed;
import io.vigil.proxy.audit.AuditEvent.SessionOpened;
import io.vigil.proxy.audit.AuditEvent.StatementCompleted;
import io.vigil.proxy.audit.AuditEvent.StatementStarted;
import io.vigil.proxy.audit.Checkpoint;
import io.vigil.proxy.audit.MerkleTree;
import io.vigil.proxy.audit.Outcome;
import io.vigil.proxy.audit.TrailChain;
import io.vigil.proxy.audit.TrailRecord;
import io.vigil.proxy.audit.TrailSigner;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The verifier as a pure function: a trail of two sessions (12 records), checkpoints after 6 and
 * 12, then one tampering per row and what the report must say.
 */
class TrailVerifierTest {

    private static final TrailSigner SIGNER = TrailSigner.generate();
    private static final UUID SPOOL = UUID.fromString("00000000-0000-0000-0000-00000000a001");
    private static final UUID A = UUID.fromString("00000000-0000-0000-0000-0000000000aa");
    private static final UUID B = UUID.fromString("00000000-0000-0000-0000-0000000000bb");
    private static final Instant T = Instant.parse("2026-11-21T10:00:00Z");

    record Trail(List<TrailRecord> records, List<Checkpoint> checkpoints) {}

    static Stream<Arguments> tamperings() {
        return Stream.of(
                row("untouched", t -> t, List.of()),
                row(
                        "a statement's text edited",
                        t -> replace(t, 1, started(A, 1, "select * from secrets")),
                        List.of(
                                "session " + A + " record 1 (statement 1 started, leaf 1): its content does not match",
                                "the records at leaves 0 to 5 do not match the root")),
                row(
                        "a record deleted",
                        t -> remove(t, 2),
                        List.of(
                                "session " + A + " record 3 (statement 2 started, leaf 3): record 2 is missing before"
                                        + " it: deleted",
                                "spool " + SPOOL + ": leaf 2 is missing: deleted")),
                row(
                        "two records swapped in place",
                        t -> swapContent(t, 1, 3),
                        List.of(
                                "session " + A + " record 1 (statement 2 started",
                                "session " + A + " record 3 (statement 1 started")),
                row(
                        "the tail cut",
                        t -> new Trail(t.records().subList(0, 9), t.checkpoints()),
                        List.of("the tail was cut: the checkpoint signed at " + T.plusSeconds(60)
                                + " covers 12 records, only 9 are left (leaves 9 to 11 are missing)")),
                row(
                        "a record rewritten with its hash recomputed",
                        t -> rewrite(t, 5, new SessionClosed(A, T.plusSeconds(5), "nothing happened")),
                        List.of("the records at leaves 0 to 5 do not match the root signed at " + T.plusSeconds(30))),
                row(
                        "a record duplicated",
                        t -> duplicate(t, 7),
                        List.of(
                                "session " + B + " record 1 (statement 1 started, leaf 7): a second record claims chain"
                                        + " position 1",
                                "a second record claims leaf 7")),
                row(
                        "a forged checkpoint",
                        t -> withCheckpoint(
                                t, new Checkpoint(SPOOL, 12, new byte[32], T, SIGNER.keyId(), new byte[64])),
                        List.of("the checkpoint of 12 records does not carry a valid signature")),
                row(
                        "a checkpoint by an unknown key",
                        t -> withCheckpoint(t, TrailSigner.generate().sign(SPOOL, 12, new byte[32], T)),
                        List.of("which was not given: it cannot be checked")),
                row(
                        "a refused login slipped into a session",
                        t -> append(t, A, 6, new LoginRefused(A, T, "etl", null, "10.0.0.7", null, null, "28P01", "x")),
                        List.of("session " + A + " record 6 (login of \"etl\" refused, leaf 12): a refused login or a"
                                + " person's action is a chain of its own")),
                row(
                        "a person's action slipped into a session",
                        t -> append(
                                t,
                                A,
                                6,
                                new PersonActed(
                                        A, T, "admin", "agent.disable", "agent", null, "etl", "status: disabled")),
                        List.of("session " + A + " record 6 (agent.disable by \"admin\", leaf 12): a refused login or"
                                + " a person's action is a chain of its own")),
                row(
                        "a session's opening removed",
                        t -> remove(t, 6),
                        List.of("session " + B + " record 1 (statement 1 started, leaf 7): record 0 is missing before"
                                + " it: deleted")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tamperings")
    void findsWhatWasDoneAndNamesTheRecord(String what, UnaryOperator<Trail> tamper, List<String> expected) {
        Trail trail = tamper.apply(trail());
        TrailVerifier.Report report =
                TrailVerifier.verify(trail.records(), trail.checkpoints(), Map.of(SIGNER.keyId(), SIGNER.publicKey()));
        List<String> findings =
                report.findings().stream().map(Finding::toString).toList();
        assertThat(report.intact()).as("%s: %s", what, findings).isEqualTo(expected.isEmpty());
        for (String finding : expected) {
            assertThat(findings).as(what).anySatisfy(f -> assertThat(f).contains(finding));
        }
        if (expected.isEmpty()) {
            assertThat(report.spools()).singleElement().satisfies(s -> {
                assertThat(s.checkpoints()).isEqualTo(2);
                assertThat(s.unsigned()).isZero();
            });
        }
    }

    @Test
    void refusedLoginsAndCancelsVerifyLikeAnyOtherRecordAndAreMissedWhenDeleted() {
        List<TrailRecord> records = new ArrayList<>();
        UUID refused = UUID.fromString("00000000-0000-0000-0000-0000000000cc");
        link(
                records,
                new TrailChain(),
                new LoginRefused(
                        refused, T, "ghost", null, "10.0.0.9", "psql", "shop", "28P01", "no agent of that name"));
        link(
                records,
                new TrailChain(),
                new PersonActed(
                        UUID.fromString("00000000-0000-0000-0000-0000000000dd"),
                        T,
                        "admin",
                        "agent.create",
                        "agent",
                        A,
                        "etl",
                        "owner: maria.chen"));
        TrailChain chain = new TrailChain();
        link(
                records,
                chain,
                new SessionOpened(
                        A, UUID.randomUUID(), UUID.randomUUID(), "10.0.0.7", null, null, null, "shop", false, T));
        link(records, chain, started(A, 1, "select pg_sleep(30)"));
        link(records, chain, new CancelRequested(A, T.plusSeconds(2), 1, "10.0.0.7"));
        link(
                records,
                chain,
                new StatementCompleted(
                        A,
                        1,
                        T.plusSeconds(1),
                        1_000_000,
                        Outcome.failed("57014", "canceling statement due to user request")));
        List<Checkpoint> checkpoints = List.of(SIGNER.sign(SPOOL, records.size(), root(records), T.plusSeconds(30)));
        Map<String, java.security.PublicKey> keys = Map.of(SIGNER.keyId(), SIGNER.publicKey());

        TrailVerifier.Report intact = TrailVerifier.verify(records, checkpoints, keys);
        assertThat(intact.findings()).isEmpty();
        assertThat(intact.sessions())
                .as("a refused login or an action is not a session")
                .isEqualTo(1);

        TrailVerifier.Report loginDeleted = TrailVerifier.verify(records.subList(1, records.size()), checkpoints, keys);
        assertThat(loginDeleted.findings()).extracting(Finding::toString).anySatisfy(f -> assertThat(f)
                .contains("leaf 0 is missing: deleted"));
        List<TrailRecord> cancelDeleted = new ArrayList<>(records);
        cancelDeleted.remove(4);
        List<TrailRecord> actionDeleted = new ArrayList<>(records);
        actionDeleted.remove(1);
        assertThat(TrailVerifier.verify(actionDeleted, checkpoints, keys).findings())
                .extracting(Finding::toString)
                .anySatisfy(f -> assertThat(f).contains("leaf 1 is missing: deleted"));
        assertThat(TrailVerifier.verify(cancelDeleted, checkpoints, keys).findings())
                .extracting(Finding::toString)
                .anySatisfy(
                        f -> assertThat(f).contains("record 3 (statement 1 completed, leaf 5): record 2 is missing"));
    }

    @Test
    void retentionAcrossAMonthBoundaryInsideASessionVerifies() {
        Instant feb = Instant.parse("2026-02-01T00:00:00Z");
        List<TrailRecord> records = new ArrayList<>();
        TrailChain chain = new TrailChain();
        link(
                records,
                chain,
                new SessionOpened(
                        A,
                        UUID.randomUUID(),
                        UUID.randomUUID(),
                        "10.0.0.7",
                        null,
                        null,
                        null,
                        "shop",
                        false,
                        feb.minusSeconds(120)));
        link(records, chain, started(A, 1, feb.minusSeconds(1), "select pg_sleep(30)"));
        // Pipelined: the next statement starts after midnight, before the first one's answer.
        link(records, chain, started(A, 2, feb.plusSeconds(1), "select 2"));
        link(records, chain, new CancelRequested(A, feb.plusSeconds(2), 1, "10.0.0.7"));
        link(
                records,
                chain,
                new StatementCompleted(
                        A,
                        1,
                        feb.minusSeconds(1),
                        3_000_000,
                        Outcome.failed("57014", "canceling statement due to user request")));
        link(records, chain, new StatementCompleted(A, 2, feb.plusSeconds(1), 50, Outcome.completed("SELECT 1", 1L)));
        List<Checkpoint> checkpoints = List.of(SIGNER.sign(SPOOL, records.size(), root(records), feb.plusSeconds(30)));
        // January's partition dropped: statement 1's start and completion (records 1 and 4).
        List<TrailRecord> pruned = new ArrayList<>(records);
        for (int i : new int[] {1, 4}) {
            TrailRecord r = records.get(i);
            pruned.set(i, new TrailRecord(r.spoolId(), r.leaf(), r.chainIndex(), r.storedHash(), new Pruned(A, feb)));
        }
        TrailVerifier.Report report =
                TrailVerifier.verify(pruned, checkpoints, Map.of(SIGNER.keyId(), SIGNER.publicKey()));
        assertThat(report.findings()).isEmpty();
        assertThat(report.pruned()).isEqualTo(2);
        assertThat(report.prunedBefore()).isEqualTo(feb);
    }

    private static StatementStarted started(UUID session, long seq, Instant at, String sql) {
        return new StatementStarted(session, seq, at, sql, AuditEvent.Protocol.SIMPLE, null, null, null);
    }

    private static void link(List<TrailRecord> records, TrailChain chain, AuditEvent event) {
        TrailChain.Link link = chain.link(event);
        chain.advance(link);
        records.add(new TrailRecord(SPOOL, (long) records.size(), link.index(), link.hash(), event));
    }

    /** Session A: opened, 2 statements, closed (leaves 0-5); session B likewise (6-11). */
    private static Trail trail() {
        List<TrailRecord> records = new ArrayList<>();
        for (UUID session : List.of(A, B)) {
            TrailChain chain = new TrailChain();
            for (AuditEvent event : List.of(
                    new SessionOpened(
                            session,
                            UUID.randomUUID(),
                            UUID.randomUUID(),
                            "10.0.0.7",
                            "agent",
                            null,
                            null,
                            "shop",
                            true,
                            T),
                    started(session, 1, "select count(*) from orders"),
                    new StatementCompleted(session, 1, T.plusSeconds(1), 120, Outcome.completed("SELECT 1", 1L)),
                    started(session, 2, "delete from orders where id = $1"),
                    new StatementCompleted(session, 2, T.plusSeconds(2), 80, Outcome.failed("42501", "denied")),
                    new SessionClosed(session, T.plusSeconds(3), "client terminated"))) {
                TrailChain.Link link = chain.link(event);
                chain.advance(link);
                records.add(new TrailRecord(SPOOL, (long) records.size(), link.index(), link.hash(), event));
            }
        }
        List<Checkpoint> checkpoints = List.of(
                SIGNER.sign(SPOOL, 6, root(records.subList(0, 6)), T.plusSeconds(30)),
                SIGNER.sign(SPOOL, 12, root(records), T.plusSeconds(60)));
        return new Trail(records, checkpoints);
    }

    private static byte[] root(List<TrailRecord> records) {
        MerkleTree.Frontier frontier = new MerkleTree.Frontier();
        records.forEach(r -> frontier.append(TrailChain.leafData(r.sessionId(), r.chainIndex(), r.storedHash())));
        return frontier.root();
    }

    private static StatementStarted started(UUID session, long seq, String sql) {
        return new StatementStarted(
                session,
                seq,
                T.plusSeconds(seq),
                sql,
                AuditEvent.Protocol.SIMPLE,
                null,
                seq == 2 ? java.util.Arrays.asList("42", null) : null,
                null);
    }

    private static Arguments row(String what, UnaryOperator<Trail> tamper, List<String> expected) {
        return Arguments.of(what, tamper, expected);
    }

    private static Trail replace(Trail t, int i, AuditEvent event) {
        List<TrailRecord> records = new ArrayList<>(t.records());
        TrailRecord r = records.get(i);
        records.set(i, new TrailRecord(r.spoolId(), r.leaf(), r.chainIndex(), r.storedHash(), event));
        return new Trail(records, t.checkpoints());
    }

    private static Trail rewrite(Trail t, int i, AuditEvent event) {
        TrailRecord r = t.records().get(i);
        byte[] hash =
                TrailChain.hash(t.records().get(i - 1).storedHash(), io.vigil.proxy.audit.TrailCodec.encode(event));
        List<TrailRecord> records = new ArrayList<>(t.records());
        records.set(i, new TrailRecord(r.spoolId(), r.leaf(), r.chainIndex(), hash, event));
        return new Trail(records, t.checkpoints());
    }

    /** A record appended to a session's chain at {@code index}, correctly hashed onto the chain's last record. */
    private static Trail append(Trail t, UUID session, int index, AuditEvent event) {
        TrailRecord last = t.records().stream()
                .filter(r -> r.sessionId().equals(session) && r.chainIndex() == index - 1)
                .findFirst()
                .orElseThrow();
        byte[] hash = TrailChain.hash(last.storedHash(), io.vigil.proxy.audit.TrailCodec.encode(event));
        List<TrailRecord> records = new ArrayList<>(t.records());
        records.add(new TrailRecord(SPOOL, (long) records.size(), index, hash, event));
        return new Trail(records, t.checkpoints());
    }

    private static Trail remove(Trail t, int i) {
        List<TrailRecord> records = new ArrayList<>(t.records());
        records.remove(i);
        return new Trail(records, t.checkpoints());
    }

    private static Trail swapContent(Trail t, int i, int j) {
        return replace(
                replace(t, i, t.records().get(j).event()), j, t.records().get(i).event());
    }

    private static Trail duplicate(Trail t, int i) {
        List<TrailRecord> records = new ArrayList<>(t.records());
        records.add(records.get(i));
        return new Trail(records, t.checkpoints());
    }

    private static Trail withCheckpoint(Trail t, Checkpoint c) {
        List<Checkpoint> checkpoints = new ArrayList<>(t.checkpoints());
        checkpoints.add(c);
        return new Trail(t.records(), checkpoints);
    }
}
