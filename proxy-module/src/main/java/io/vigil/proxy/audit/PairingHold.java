package io.vigil.proxy.audit;

import io.vigil.proxy.audit.AuditEvent.StatementCompleted;
import io.vigil.proxy.audit.AuditEvent.StatementStarted;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
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
 * <p>A start is held only for {@code maxWait}, measured on a monotonic clock from when the shipper
 * first saw it, and every start seen in the same read starts waiting at once: however many
 * long-running statements are in flight, shipping waits at most {@code maxWait} for them. Only a
 * read that reached the end of the spool holds anything back (behind a backlog, the outcome is
 * further on, and holding would only delay).
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
    /** When each start still waiting for its outcome was first seen, by its spool offset. */
    private final TreeMap<Long, Long> firstSeen = new TreeMap<>();

    PairingHold(long maxWaitNanos, LongSupplier nanoTime) {
        this.maxWaitNanos = maxWaitNanos;
        this.nanoTime = nanoTime;
    }

    /**
     * @param offsets each link's spool offset (the same length as {@code links})
     * @param atEnd whether the read reached the end of what the spool holds
     * @return how many of {@code links}, from the first, to ship now
     */
    int shippable(List<TrailChain.Link> links, long[] offsets, boolean atEnd) {
        if (offsets.length > 0) {
            firstSeen.headMap(offsets[0]).clear(); // shipped since
        }
        if (!atEnd) {
            return links.size();
        }
        Set<StatementKey> completed = new HashSet<>();
        for (TrailChain.Link link : links) {
            if (link.event() instanceof StatementCompleted c) {
                completed.add(new StatementKey(c.sessionId(), c.seq()));
            }
        }
        long now = nanoTime.getAsLong();
        int cut = links.size();
        for (int i = links.size() - 1; i >= 0; i--) {
            if (links.get(i).event() instanceof StatementStarted s
                    && !completed.contains(new StatementKey(s.sessionId(), s.seq()))
                    && now - firstSeen.computeIfAbsent(offsets[i], o -> now) < maxWaitNanos) {
                cut = i;
            }
        }
        return cut;
    }
}
