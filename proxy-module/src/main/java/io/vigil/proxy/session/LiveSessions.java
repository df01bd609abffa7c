package io.vigil.proxy.session;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The sessions open right now, by agent: what must end when an agent is revoked or disabled, or
 * when an administrator ends one.
 * Sessions register once they relay and leave when their client channel closes.
 */
public final class LiveSessions {

    private final Map<UUID, Set<Session>> byAgent = new ConcurrentHashMap<>();

    public void add(Session session) {
        byAgent.computeIfAbsent(session.agent().agentId(), id -> ConcurrentHashMap.newKeySet())
                .add(session);
    }

    public void remove(Session session) {
        byAgent.computeIfPresent(session.agent().agentId(), (id, sessions) -> {
            sessions.remove(session);
            return sessions.isEmpty() ? null : sessions;
        });
    }

    /** Agents with at least one open session. */
    public Set<UUID> agents() {
        return Set.copyOf(byAgent.keySet());
    }

    /** Every open session. */
    public List<Session> all() {
        return byAgent.values().stream().flatMap(Set::stream).toList();
    }

    public Set<Session> of(UUID agentId) {
        Set<Session> sessions = byAgent.get(agentId);
        return sessions == null ? Set.of() : Set.copyOf(sessions);
    }
}
