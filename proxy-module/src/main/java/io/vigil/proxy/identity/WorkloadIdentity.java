package io.vigil.proxy.identity;

import java.net.URI;

/**
 * Which tokens the gateway accepts from agents, and which claims say who they are.
 *
 * @param issuer the only accepted {@code iss}
 * @param audience the audience the token must be for ({@code aud})
 * @param jwks where the issuer publishes its signing keys
 * @param agentClaim the claim (dotted path) whose value is the agent's name in Vigil
 * @param onBehalfOfClaim the claim naming the human the agent acts for, if any
 * @param taskClaim the claim naming the task or ticket the agent works on, if any
 */
public record WorkloadIdentity(
        String issuer, String audience, URI jwks, String agentClaim, String onBehalfOfClaim, String taskClaim) {

    public static WorkloadIdentity of(String issuer, String audience, URI jwks) {
        return new WorkloadIdentity(issuer, audience, jwks, "sub", "act.sub", "task_id");
    }
}
