package io.vigil.review.agents;

import java.util.UUID;

/**
 * What an administrator enters to create an agent.
 *
 * @param name the user name the agent will present to the gateway
 * @param upstreamUser the role of its own it logs in to the target as; null or blank: the target's
 *     login role
 * @param upstreamPassword that role's password, entered once (sealed, never shown again)
 * @param workloadIdentity it will present OIDC access tokens instead of a Vigil-issued secret
 */
public record NewAgent(
        String name,
        String owner,
        String purpose,
        UUID targetId,
        String upstreamUser,
        String upstreamPassword,
        boolean workloadIdentity) {

    /** Without the password: requests get logged. */
    @Override
    public String toString() {
        return "NewAgent[" + name + ", owner " + owner + ", target " + targetId + ", upstream " + upstreamUser + "]";
    }
}
