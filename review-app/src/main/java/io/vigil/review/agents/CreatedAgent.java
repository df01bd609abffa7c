package io.vigil.review.agents;

import java.util.UUID;

/**
 * A new agent and its first secret, shown once.
 *
 * @param secret null for an agent with a workload identity (it never gets a secret)
 */
public record CreatedAgent(UUID id, String name, String secret) {

    @Override
    public String toString() {
        return "CreatedAgent[" + id + ", " + name + "]";
    }
}
