package io.vigil.proxy.audit;

import io.vigil.proxy.audit.AuditEvent.StatementCompleted;
import io.vigil.proxy.audit.AuditEvent.StatementStarted;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.LongSupplier;

/**
 * Decides where the shipper cuts a batch so that a statement's start and its outcome usually land
 * in the same batch, and so in one COPY row. A batch read from the spool ends at an arbitrary
 * moment, when several statements are in flight; shipping their starts alone would cost a second
 * insert per statement (here and in the store) once their outcomes follow. So the batch ends just
 * before the first start whose outcome is not in it yet, and the next batch, a few milliseconds
 * later, takes it whole.
 *
 * <p>A start is held only for {@code maxWait} (measured on a monotonic clock from when the shipper
 * first held it), so a long-running statement delays nothing for longer than that.
 *
 * <pre>
 *   batch:  S1 S2 C1 S3 C3 S4 | S5 C4     S = start, C = completion
 *                        ^ S4 has no C yet: ship S1..C3 now, S4.. next time
 * </pre>
 *
 * <p>Shipper thread only.
 */
final class PairingHold {

    /** A statement in the trail: its session and its number there. */
    record StatementKey(UUID session, long seq) {}

    private final long maxWaitNanos;
    private final LongSupplier nanoTime;
    /** The spool offset of the start being waited for, and since when. */
    private long heldOffset = -1;

    private long heldSince;

    PairingHold(long maxWaitNanos, LongSupplier nanoTime) {
        this.maxWaitNanos = maxWaitNanos;
        this.nanoTime = nanoTime;
    }

    /**
     * @param offsets each link's spool offset (the same length as {@code links})
     * @return how many of {@code links}, from the first, to ship now
     */
    int shippable(List<TrailChain.Link> links, long[] offsets) {
        Set<StatementKey> completed = new HashSet<>();
        for (TrailChain.Link link : links) {
            if (link.event() instanceof StatementCompleted c) {
                completed.add(new StatementKey(c.sessionId(), c.seq()));
            }
        }
        for (int i = 0; i < links.size(); i++) {
            if (links.get(i).event() instanceof StatementStarted s
                    && !completed.contains(new StatementKey(s.sessionId(), s.seq()))
                    && holds(offsets[i])) {
                return i;
            }
        }
        return links.size();
    }

    /** Holds the start at {@code offset} unless it has already waited its time. */
    private boolean holds(long offset) {
        long now = nanoTime.getAsLong();
        if (offset != heldOffset) {
            heldOffset = offset;
            heldSince = now;
            return true;
        }
        return now - heldSince < maxWaitNanos;
    }
}
