package io.vigil.proxy.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.proxy.audit.AuditEvent.CancelRequested;
import io.vigil.proxy.audit.AuditEvent.LoginRefused;
import io.vigil.proxy.audit.AuditEvent.PersonActed;
import io.vigil.proxy.audit.AuditEvent.Protocol;
import io.vigil.proxy.audit.AuditEvent.SessionClosed;
import io.vigil.proxy.audit.AuditEvent.SessionOpened;
import io.vigil.proxy.audit.AuditEvent.StatementCompleted;
import io.vigil.proxy.audit.AuditEvent.StatementStarted;
import io.vigil.proxy.audit.export.TrailJson;
import io.vigil.proxy.sql.StatementKind;
import io.vigil.proxy.sql.StatementShape;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every kind of event survives the canonical encoding and the SIEM's JSON line unchanged, absent
 * values included: what the verifier re-creates must hash to what the gateway hashed.
 */
class TrailCodecTest {

    private static final UUID SESSION = UUID.fromString("6f1c2a9e-0000-4000-8000-000000000001");
    private static final Instant T = Instant.parse("2026-11-22T09:15:00.123456Z");

    static Stream<AuditEvent> events() {
        return Stream.of(
                new SessionOpened(SESSION, id(1), id(2), "10.0.0.7", "etl", "alice", "JIRA-7", "shop", true, T),
                new SessionOpened(SESSION, id(3), id(4), "::1", null, null, null, null, false, T),
                new StatementStarted(
                        SESSION,
                        3,
                        T,
                        "select * from orders where id = $1",
                        Protocol.EXTENDED,
                        new StatementShape(
                                StatementKind.READ,
                                "SelectStmt",
                                "select * from orders where id = $1",
                                List.of("orders"),
                                List.of(),
                                List.of(),
                                "abc123",
                                null),
                        Arrays.asList("42", null, "h\u00e9llo \u2603"),
                        null),
                new StatementStarted(SESSION, 4, T, "selec oops", Protocol.SIMPLE, null, null, "deadbeef"),
                new StatementCompleted(SESSION, 3, T, 1_234, Outcome.completed("SELECT 1", 1L)),
                new StatementCompleted(SESSION, 4, T, 0, Outcome.failed("42601", "syntax error")),
                new CancelRequested(SESSION, T, 5, "10.0.0.8"),
                new CancelRequested(SESSION, T, 0, "10.0.0.8"),
                new PersonActed(
                        SESSION,
                        T,
                        "maria.chen",
                        "agent.transfer",
                        "agent",
                        id(5),
                        "etl-bot",
                        "owner: maria.chen -> j\u00f6rg"),
                new PersonActed(SESSION, T, "vigil", "usage.rebuild", "usage", null, "all agents", ""),
                new LoginRefused(
                        SESSION, T, "ghost", null, "203.0.113.9", "psql", "shop", "28P01", "no agent of that name"),
                new LoginRefused(
                        SESSION,
                        T,
                        "etl\u00e9",
                        id(6),
                        "203.0.113.9",
                        null,
                        null,
                        "28000",
                        "agent \"etl\" may connect only to database \"shop\""),
                new SessionClosed(SESSION, T, "client terminated"));
    }

    /** Statements judged by policy: version 2 of the encoding, the judgement after the rest. */
    static Stream<AuditEvent> judged() {
        return Stream.of(
                new StatementStarted(
                        SESSION,
                        5,
                        T,
                        "select 1",
                        Protocol.SIMPLE,
                        null,
                        null,
                        null,
                        new Judgement(Judgement.Effect.ALLOW, "baseline v3, export v1", null)),
                new StatementStarted(
                        SESSION,
                        6,
                        T,
                        "drop table orders",
                        Protocol.EXTENDED,
                        null,
                        null,
                        null,
                        new Judgement(Judgement.Effect.DENY, "baseline v3", "no-drop")));
    }

    /** Statements that ran while a policy in observe mode would have stopped them: version 3. */
    static Stream<AuditEvent> observed() {
        return Stream.of(new StatementStarted(
                SESSION,
                7,
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
                        new Judgement.Observation(Judgement.Effect.DENY, "strict v2", "no-deletes"))));
    }

    static Stream<AuditEvent> all() {
        return Stream.concat(Stream.concat(events(), judged()), observed());
    }

    @Test
    void anObservationIsVersionThreeAndPinned() {
        var sha = TrailChain.sha256();
        observed().forEach(event -> {
            byte[] encoded = TrailCodec.encode(event);
            assertThat(encoded[0]).isEqualTo((byte) 3);
            sha.update(encoded);
        });
        assertThat(java.util.HexFormat.of().formatHex(sha.digest()))
                .isEqualTo("6d0c7abe1237dcf60f37e271f7ac1e87e9a3f38e877e8620439a415fde8cb4dc");
    }

    /** A judged statement is version 2; the bytes of every record without a judgement are version 1's. */
    @Test
    void aJudgementIsVersionTwoAndPinned() {
        var sha = TrailChain.sha256();
        judged().forEach(event -> {
            byte[] encoded = TrailCodec.encode(event);
            assertThat(encoded[0]).isEqualTo((byte) 2);
            sha.update(encoded);
        });
        assertThat(java.util.HexFormat.of().formatHex(sha.digest()))
                .isEqualTo("7ca411ada000c600e138aa140799c34e37d4a777c0cbfd8060d6829abfb4e24d");
    }

    private static UUID id(int n) {
        return new UUID(0x5eed_0000_0000_4000L, 0x8000_0000_0000_0000L | n);
    }

    /**
     * The encoding is what every chain hash covers: a faster encoder must write the very same
     * bytes, or every trail written before it stops verifying.
     */
    @Test
    void theEncodingIsPinned() {
        var sha = TrailChain.sha256();
        events().forEach(event -> sha.update(TrailCodec.encode(event)));
        assertThat(java.util.HexFormat.of().formatHex(sha.digest()))
                .isEqualTo("b3cd4c53f577cfd575ecde84130cd205daaeca521975b1b33771fbb3ef5eac24");
    }

    @ParameterizedTest
    @MethodSource("all")
    void anEventDecodesToItselfAndEncodesToTheSameBytes(AuditEvent event) {
        byte[] encoded = TrailCodec.encode(event);
        AuditEvent decoded = TrailCodec.decode(encoded);
        assertThat(decoded).usingRecursiveComparison().isEqualTo(event);
        assertThat(TrailCodec.encode(decoded)).isEqualTo(encoded);
    }

    @ParameterizedTest
    @MethodSource("all")
    void anEventSurvivesTheSiemsJsonLine(AuditEvent event) {
        TrailChain.Link link = new TrailChain().link(event);
        TrailRecord record = new TrailRecord(UUID.randomUUID(), 7L, link.index(), link.hash(), event);
        TrailRecord parsed = (TrailRecord) TrailJson.parse(TrailJson.line(record));
        assertThat(TrailCodec.encode(parsed.event())).isEqualTo(link.encoded());
        assertThat(parsed.storedHash()).isEqualTo(link.hash());
        assertThat(parsed.leaf()).isEqualTo(7L);
    }

    @Test
    void aHugeEventAndTheSmallOnesAfterItEncodeWhole() {
        List<AuditEvent> small = events().toList();
        List<byte[]> before = small.stream().map(TrailCodec::encode).toList();
        var huge = new StatementStarted(
                SESSION, 9, T, "select '" + "x".repeat(200_000) + "'", Protocol.SIMPLE, null, null, null);
        assertThat(TrailCodec.decode(TrailCodec.encode(huge)))
                .usingRecursiveComparison()
                .isEqualTo(huge);
        assertThat(small.stream().map(TrailCodec::encode).toList())
                .usingElementComparator(Arrays::compare)
                .isEqualTo(before);
        assertThat(TrailCodec.encode(small.get(0), 36)).startsWith(new byte[36]).hasSize(before.get(0).length + 36);
    }

    @Test
    void bytesThatAreNotOneEventAreRefused() {
        byte[] encoded = TrailCodec.encode(new CancelRequested(SESSION, T, 5, "10.0.0.8"));
        assertThatThrownBy(() -> TrailCodec.decode(Arrays.copyOf(encoded, encoded.length - 1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TrailCodec.decode(Arrays.copyOf(encoded, encoded.length + 1)))
                .isInstanceOf(IllegalArgumentException.class);
        byte[] unknownType = encoded.clone();
        unknownType[1] = 99;
        assertThatThrownBy(() -> TrailCodec.decode(unknownType)).isInstanceOf(IllegalArgumentException.class);
    }
}
