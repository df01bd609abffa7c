package io.vigil.review.agents;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/**
 * An agent as the inventory shows it.
 *
 * @param status active, disabled or revoked
 * @param upstreamRole the role it logs in to its target as
 * @param ownRole whether that role is its own (else the target's login role, shared)
 * @param workloadIdentity whether it proves who it is with an OIDC token instead of a secret
 * @param secretIssuedAt when its newest live secret was issued; null if it has none
 * @param secretExpiresAt when that secret stops working; null if it does not expire
 * @param lastActivity its last statement the usage rollup has seen; null if none
 */
public record Agent(
        UUID id,
        String name,
        String owner,
        String purpose,
        String status,
        UUID targetId,
        String targetName,
        String upstreamRole,
        boolean ownRole,
        boolean workloadIdentity,
        List<String> tags,
        OffsetDateTime createdAt,
        OffsetDateTime secretIssuedAt,
        OffsetDateTime secretExpiresAt,
        OffsetDateTime lastActivity) {

    public Agent {
        tags = List.copyOf(tags);
    }

    public boolean active() {
        return status.equals("active");
    }
}
