package io.vigil.review.security;

/**
 * The demo CI job's registration at the built-in identity provider: it gets access tokens by the
 * client-credentials grant and logs in to the gateway with them as the agent {@code clientId}.
 * The secret is new at every start, like the agents' own.
 *
 * @param clientId the agent's name: the token's {@code sub}
 * @param clientSecret shown once, in the demo's banner
 */
public record DemoWorkloadClient(String clientId, String clientSecret) {

    /** The demo agent that logs in with tokens: the CI pipeline of the access-review story. */
    public static final String AGENT = "ci-migrations";

    /** The audience the demo's gateway accepts tokens for. */
    public static final String AUDIENCE = io.vigil.review.VigilProperties.DEMO_TOKEN_AUDIENCE;

    @Override
    public String toString() {
        return "DemoWorkloadClient[" + clientId + "]";
    }
}
