package io.vigil.review.usage;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/**
 * What needs a reviewer's attention across the agents the viewer may see.
 *
 * @param staleAfterDays the window the stale list and unused privileges are judged over
 */
public record Dashboard(
        long staleAfterDays,
        List<OwnerAgents> byOwner,
        List<AgentFlag> stale,
        List<AgentFlag> unusedWrites,
        List<AgentFlag> secretsDue) {

    /** One owner's agents. */
    public record OwnerAgents(String owner, int agents, int active, int stale) {}

    /**
     * An agent that stands out, and why.
     *
     * @param at when: its last activity (null: never), or when its secret was issued
     * @param detail the unused privileges, or empty
     */
    public record AgentFlag(UUID id, String name, String owner, OffsetDateTime at, String detail) {}
}
