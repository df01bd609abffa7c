package io.vigil.proxy.approval;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * The standing approvals in force, as the gateway last read them (every quarter second, so a
 * withdrawal bites within a second): an administrator approved one exact statement of one agent
 * ahead of time. Looked up on the event loops without waiting for the store; each use is counted
 * here at once, and written to the store by the gateway's watcher before its next read (see {@link
 * #drainUses}), so a read never forgets a use.
 *
 * <p>Two gateways on one store each count their own uses until their next read, so a standing
 * approval with a count may run once more than granted if its last uses come at once through
 * different gateways; the store's count (and the trail) then says so.
 */
public final class StandingApprovals {

    /**
     * One standing approval.
     *
     * @param values the values it is for, null for any
     * @param usesLeft how many more runs it allows, null for no count
     * @param until when it ends, null for never
     */
    public record Standing(UUID id, UUID agent, String sql, List<String> values, Integer usesLeft, Instant until) {

        boolean covers(UUID agent, String sql, List<String> values, Instant now) {
            return this.agent.equals(agent)
                    && this.sql.equals(sql)
                    && (this.values == null || Objects.equals(this.values, values == null ? List.of() : values))
                    && (usesLeft == null || usesLeft > 0)
                    && (until == null || now.isBefore(until));
        }
    }

    private volatile Map<UUID, List<Standing>> byAgent = Map.of();
    /** Uses not yet written to the store, by standing approval. */
    private final Map<UUID, Integer> unrecorded = new ConcurrentHashMap<>();

    /**
     * What the store says is in force now, read after the uses {@link #drainUses} took were
     * written.
     */
    public synchronized void replace(List<Standing> inForce) {
        byAgent = inForce.stream().collect(Collectors.groupingBy(Standing::agent));
        writing = Map.of();
    }

    /**
     * The uses made since the last drain, to write to the store now; until the next {@link
     * #replace}, they still count against the approvals as last read.
     */
    public synchronized Map<UUID, Integer> drainUses() {
        writing = Map.copyOf(unrecorded);
        unrecorded.clear();
        return writing;
    }

    /** Uses being written to the store: the approvals as last read do not reflect them yet. */
    private Map<UUID, Integer> writing = Map.of();

    /** Whether any standing approval of {@code agent} is for this text (with whatever values). */
    public boolean anyFor(UUID agent, String sql, Instant now) {
        return byAgent.getOrDefault(agent, List.of()).stream()
                .anyMatch(s -> s.sql().equals(sql) && (s.until() == null || now.isBefore(s.until())));
    }

    /** Uses the standing approval that covers this run, counting the use; null if none does. */
    public synchronized Standing use(UUID agent, String sql, List<String> values, Instant now) {
        for (Standing s : byAgent.getOrDefault(agent, List.of())) {
            int used = unrecorded.getOrDefault(s.id(), 0) + writing.getOrDefault(s.id(), 0);
            Standing left = s.usesLeft() == null
                    ? s
                    : new Standing(s.id(), s.agent(), s.sql(), s.values(), s.usesLeft() - used, s.until());
            if (left.covers(agent, sql, values, now)) {
                unrecorded.merge(s.id(), 1, Integer::sum);
                return left;
            }
        }
        return null;
    }
}
