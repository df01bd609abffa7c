package io.vigil.review.sessions;

import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * One agent session as the Sessions page lists it and its replay heads it. {@code endedAt} is null
 * while it is live.
 *
 * @param onBehalfOf the person the agent acted for, from its workload token, if it named one
 * @param task the task or ticket the agent's workload token named, if any
 * @param upstreamRole the database role the gateway logged in as for it
 */
public record SessionSummary(
        UUID id,
        String agent,
        String owner,
        String target,
        String clientAddress,
        String applicationName,
        OffsetDateTime startedAt,
        OffsetDateTime endedAt,
        String endReason,
        String onBehalfOf,
        String task,
        String upstreamRole,
        boolean tls,
        int statements) {

    public boolean live() {
        return endedAt == null;
    }
}
