package io.vigil.review.campaigns;

import java.time.OffsetDateTime;
import java.util.UUID;

/** An agent a review marked for investigation; open until an administrator resolves it with a note. */
public record Flag(
        UUID id,
        UUID agentId,
        String agent,
        String raisedBy,
        OffsetDateTime raisedAt,
        String reason,
        String resolvedBy,
        OffsetDateTime resolvedAt,
        String resolution) {

    public boolean open() {
        return resolvedAt == null;
    }
}
