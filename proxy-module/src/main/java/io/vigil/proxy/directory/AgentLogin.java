package io.vigil.proxy.directory;

import io.vigil.proxy.auth.ScramSha256.Verifier;
import java.util.List;
import java.util.UUID;

/**
 * What the gateway needs to log an agent in: its live verifiers (newest first) and its target.
 *
 * @param active false when the agent is disabled or revoked: it may not log in
 */
public record AgentLogin(UUID agentId, String name, boolean active, List<Verifier> verifiers, Target target) {

    public AgentLogin {
        verifiers = List.copyOf(verifiers);
    }

    public boolean mayLogIn() {
        return active && !verifiers.isEmpty();
    }
}
