package io.vigil.review.sessions;

import java.time.OffsetDateTime;
import java.util.UUID;

/** One agent session as the Sessions page lists it. {@code endedAt} is null while it is live. */
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
        int statements) {

    public boolean live() {
        return endedAt == null;
    }
}
