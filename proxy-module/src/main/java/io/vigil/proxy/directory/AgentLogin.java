package io.vigil.proxy.directory;

import io.vigil.proxy.auth.ScramSha256.Verifier;
import java.util.List;
import java.util.UUID;

/**
 * What the gateway needs to log an agent in: how it proves who it is (its live verifiers, newest
 * first, or a workload token) and its target.
 *
 * @param active false when the agent is disabled or revoked: it may not log in
 * @param tokenIdentity true when the agent presents an OIDC access token instead of a secret
 * @param owner the person accountable for it (policies may be narrowed to owners)
 * @param tags its tags (policies may be narrowed to tags)
 */
public record AgentLogin(
        UUID agentId,
        String name,
        boolean active,
        boolean tokenIdentity,
        List<Verifier> verifiers,
        Target target,
        String owner,
        List<String> tags) {

    public AgentLogin {
        verifiers = List.copyOf(verifiers);
        tags = List.copyOf(tags);
    }

    public boolean mayLogIn() {
        return active && (tokenIdentity || !verifiers.isEmpty());
    }
}
