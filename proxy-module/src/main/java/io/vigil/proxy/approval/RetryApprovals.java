package io.vigil.proxy.approval;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The requests of statements that could not wait in their session (inside a transaction, later in
 * a pipeline, a prepared statement a client keeps) and were refused at once: until a person
 * decides, and once approved, until the agent sends the same statement again and uses the approval,
 * or it lapses. One per gateway: sessions file and use on their event loops, the gateway's watcher
 * delivers decisions on another thread.
 *
 * <p>An approval is for its binding (the agent, the text, the values, the session's state) and is
 * used once: {@link #use} takes it away atomically.
 */
public final class RetryApprovals {

    /** A request filed for a statement of {@code agent}, the agent's name as the trail says it. */
    public record Filed(ApprovalDesk.Request request, String agent) {}

    private record Approved(Filed filed, Instant until) {}

    private final ConcurrentMap<UUID, Filed> undecided = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Approved> approved = new ConcurrentHashMap<>();

    /** A request was filed for a statement refused at once. */
    public void filed(ApprovalDesk.Request request, String agent) {
        undecided.put(request.id(), new Filed(request, agent));
    }

    /** Forgets a request that could not be filed. */
    public void forget(UUID request) {
        undecided.remove(request);
    }

    /** The undecided request for exactly this binding, null if none: a retry names it again. */
    public ApprovalDesk.Request undecided(String binding) {
        for (Filed filed : undecided.values()) {
            if (filed.request().binding().equals(binding)) {
                return filed.request();
            }
        }
        return null;
    }

    /** How many of {@code agent}'s requests wait for a decision. */
    public long undecidedOf(UUID agent) {
        return undecided.values().stream()
                .filter(f -> f.request().agentId().equals(agent))
                .count();
    }

    /** The requests to ask the store about. */
    public Set<UUID> awaitingDecision() {
        return Set.copyOf(undecided.keySet());
    }

    /**
     * A person decided on {@code id}: approved, the statement may run once from now for as long as
     * the request could wait for a decision.
     */
    public void decided(UUID id, ApprovalDesk.Decision decision, Instant now) {
        Filed filed = undecided.remove(id);
        if (filed != null && decision.approved()) {
            ApprovalDesk.Request request = filed.request();
            approved.put(request.binding(), new Approved(filed, now.plus(request.limit())));
        }
    }

    /** Uses the approval given for {@code binding}, once; null if there is none that holds now. */
    public UUID use(String binding, Instant now) {
        Approved approval = approved.get(binding);
        if (approval == null || now.isAfter(approval.until())) {
            return null;
        }
        return approved.remove(binding, approval) ? approval.filed().request().id() : null;
    }

    /** Undecided requests nobody decided in time: forgotten here, to be closed as expired. */
    public List<Filed> expired(Instant now) {
        List<Filed> expired = new ArrayList<>();
        for (var entry : undecided.entrySet()) {
            if (now.isAfter(entry.getValue().request().expiresAt())
                    && undecided.remove(entry.getKey(), entry.getValue())) {
                expired.add(entry.getValue());
            }
        }
        return expired;
    }

    /** Approvals not used in time: forgotten here, to be closed as lapsed. */
    public List<Filed> lapsed(Instant now) {
        List<Filed> lapsed = new ArrayList<>();
        for (var entry : approved.entrySet()) {
            // Only what this call takes away: a use at the same moment wins, and is not also lapsed.
            if (now.isAfter(entry.getValue().until()) && approved.remove(entry.getKey(), entry.getValue())) {
                lapsed.add(entry.getValue().filed());
            }
        }
        return lapsed;
    }
}
