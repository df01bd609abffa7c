package io.vigil.proxy.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.proxy.audit.AuditEvent.SessionClosed;
import io.vigil.proxy.audit.AuditEvent.StatementCompleted;
import io.vigil.proxy.audit.AuditEvent.StatementStarted;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PairingHoldTest {

    private static final long WAIT = TimeUnit.MILLISECONDS.toNanos(200);
    private static final UUID A = UUID.randomUUID();
    private static final UUID B = UUID.randomUUID();

    private final AtomicLong clock = new AtomicLong();
    private final PairingHold hold = new PairingHold(WAIT, clock::get);

    /**
     * A batch as a string: {@code s1}/{@code c1} start/complete statement 1 of session A, {@code S1}/{@code C1}
     * of session B, {@code x} closes session A.
     */
    @ParameterizedTest(name = "{0} -> ship {1}")
    @CsvSource({
        "'', 0",
        "s1 c1, 2",
        "s1 c1 s2 c2, 4",
        "s1 c1 s2, 2",
        "s1 S1 c1 s2 c2, 1",
        "s1 S1 c1 C1 s2, 4",
        "c1 s2 c2, 3",
        "s1, 0",
        "x, 1",
        "s1 C1 x, 0",
        "S1 c1 s2 c2 C1, 5"
    })
    void endsTheBatchBeforeTheFirstStartWithoutItsOutcome(String batch, int shipped) {
        assertThat(hold.shippable(links(batch), offsets(batch, 0), true)).isEqualTo(shipped);
    }

    @ParameterizedTest(name = "a start held {0} ms ships: {1}")
    @CsvSource({"0, false", "199, false", "200, true", "5000, true"})
    void holdsAStartOnlyForTheWait(long millis, boolean ships) {
        assertThat(hold.shippable(links("c1 s2"), offsets("c1 s2", 0), true)).isEqualTo(1);
        clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(millis));
        assertThat(hold.shippable(links("c1 s2"), offsets("c1 s2", 0), true)).isEqualTo(ships ? 2 : 1);
    }

    @Test
    void startsSeenTogetherWaitTogether() {
        assertThat(hold.shippable(links("s1 s2 s3"), offsets("s1 s2 s3", 0), true))
                .isZero();
        clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(300));
        assertThat(hold.shippable(links("s1 s2 s3"), offsets("s1 s2 s3", 0), true))
                .isEqualTo(3);
    }

    @Test
    void aStartSeenLaterWaitsItsOwnTime() {
        assertThat(hold.shippable(links("s1"), offsets("s1", 0), true)).isZero();
        clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(150));
        assertThat(hold.shippable(links("s1 s2"), offsets("s1 s2", 0), true)).isZero();
        clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(100));
        // s1 has waited 250 ms and ships; s2 only 100 ms
        assertThat(hold.shippable(links("s1 s2"), offsets("s1 s2", 0), true)).isEqualTo(1);
        clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(100));
        assertThat(hold.shippable(links("s2"), offsets("s2", 100), true)).isEqualTo(1);
    }

    @Test
    void behindABacklogNothingIsHeld() {
        assertThat(hold.shippable(links("s1 S1 c1"), offsets("s1 S1 c1", 0), false))
                .isEqualTo(3);
    }

    private static List<TrailChain.Link> links(String batch) {
        List<TrailChain.Link> links = new ArrayList<>();
        for (String token : batch.isBlank() ? new String[0] : batch.split(" ")) {
            UUID session = Character.isUpperCase(token.charAt(0)) ? B : A;
            long seq = token.length() > 1 ? Long.parseLong(token.substring(1)) : 0;
            AuditEvent event =
                    switch (Character.toLowerCase(token.charAt(0))) {
                        case 's' ->
                            new StatementStarted(
                                    session,
                                    seq,
                                    Instant.EPOCH,
                                    "select 1",
                                    AuditEvent.Protocol.SIMPLE,
                                    null,
                                    null,
                                    null);
                        case 'c' ->
                            new StatementCompleted(session, seq, Instant.EPOCH, 1, Outcome.completed("SELECT 1", 1L));
                        default -> new SessionClosed(session, Instant.EPOCH, "terminated");
                    };
            links.add(new TrailChain.Link(event, new byte[0], links.size(), new byte[32]));
        }
        return links;
    }

    private static long[] offsets(String batch, long from) {
        int n = links(batch).size();
        long[] offsets = new long[n];
        for (int i = 0; i < n; i++) {
            offsets[i] = from + 100L * i;
        }
        return offsets;
    }
}
