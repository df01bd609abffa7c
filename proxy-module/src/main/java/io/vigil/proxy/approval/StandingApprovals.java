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
     * @param policy the policy whose review it stands in for; it covers that policy's rule only
     * @param grantedBy who granted it: it never covers a run made on their behalf
     */
    public record Standing(
            UUID id,
            UUID agent,
            String sql,
            List<String> values,
            Integer usesLeft,
            Instant until,
            String policy,
            String rule,
            String grantedBy) {

        Standing left(int used) {
            return usesLeft == null
                    ? this
                    : new Standing(id, agent, sql, values, usesLeft - used, until, policy, rule, grantedBy);
        }

        boolean covers(Run run, Instant now) {
            return agent.equals(run.agent())
                    && policy.equals(run.policy())
                    && rule.equals(run.rule())
                    && !grantedBy.equals(run.onBehalfOf())
                    && sql.equals(run.sql())
                    && (values == null || Objects.equals(values, run.values() == null ? List.of() : run.values()))
                    && (usesLeft == null || usesLeft > 0)
                    && (until == null || now.isBefore(until));
        }
    }

    /**
     * A statement policy sent for review, as a standing approval is matched against it.
     *
     * @param onBehalfOf the person the session acts for, "" if none
     * @param policy the policy and rule whose review it needs
     */
    public record Run(UUID agent, String onBehalfOf, String policy, String rule, String sql, List<String> values) {}

    /** How stale the approvals as last read may be before none is honoured (the store is unreachable). */
    static final java.time.Duration FRESH = java.time.Duration.ofSeconds(2);

    private volatile Map<UUID, List<Standing>> byAgent = Map.of();
    private volatile Instant readAt = Instant.MIN;
    /** Uses not yet written to the store, by standing approval. */
    private final Map<UUID, Integer> unrecorded = new ConcurrentHashMap<>();

    /**
     * What the store says is in force now, read after the uses {@link #drainUses} took were
     * written.
     */
    public synchronized void replace(List<Standing> inForce, Instant readAt) {
        byAgent = inForce.stream().collect(Collectors.groupingBy(Standing::agent));
        this.readAt = readAt;
        writing = Map.of();
    }

    /**
     * The uses made since the last drain, to write to the store now; until the next {@link
     * #replace}, they still count against the approvals as last read.
     */
    public synchronized Map<UUID, Integer> drainUses() {
        // Added to what a failed write left: written twice rather than lost (a count errs high).
        Map<UUID, Integer> all = new java.util.HashMap<>(writing);
        unrecorded.forEach((id, n) -> all.merge(id, n, Integer::sum));
        unrecorded.clear();
        writing = Map.copyOf(all);
        return writing;
    }

    private boolean fresh(Instant now) {
        return !now.isAfter(readAt.plus(FRESH));
    }

    /** Uses being written to the store: the approvals as last read do not reflect them yet. */
    private Map<UUID, Integer> writing = Map.of();

    /** Whether any standing approval of {@code agent} is for this text (with whatever values). */
    public boolean anyFor(UUID agent, String sql, Instant now) {
        return fresh(now)
                && byAgent.getOrDefault(agent, List.of()).stream()
                        .anyMatch(s -> s.sql().equals(sql) && (s.until() == null || now.isBefore(s.until())));
    }

    /** Uses the standing approval that covers this run, counting the use; null if none does. */
    public synchronized Standing use(Run run, Instant now) {
        if (!fresh(now)) {
            return null; // the store has not been read lately: a withdrawal may be unseen
        }
        for (Standing s : byAgent.getOrDefault(run.agent(), List.of())) {
            Standing left = s.left(unrecorded.getOrDefault(s.id(), 0) + writing.getOrDefault(s.id(), 0));
            if (left.covers(run, now)) {
                unrecorded.merge(s.id(), 1, Integer::sum);
                return left;
            }
        }
        return null;
    }
}
