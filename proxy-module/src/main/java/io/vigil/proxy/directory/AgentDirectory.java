package io.vigil.proxy.directory;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/** Looks agents up by the user name they log in with. */
public interface AgentDirectory {

    /** Blocking (it reads the store): the gateway calls it off its event loops. */
    Optional<AgentLogin> find(String user);

    /** Of {@code agentIds}, those that may no longer log in (revoked, disabled, or gone). Blocking. */
    Set<UUID> inactive(Set<UUID> agentIds);

    /**
     * Of {@code sessionIds}, those an administrator asked to end, each with the message its client
     * is told. Blocking.
     */
    Map<UUID, String> endRequests(Set<UUID> sessionIds);
}
