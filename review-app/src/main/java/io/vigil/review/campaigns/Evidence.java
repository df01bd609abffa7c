package io.vigil.review.campaigns;

import io.vigil.review.usage.Grant;
import java.time.OffsetDateTime;
import java.util.List;

/**
 * What a reviewer sees of one agent, frozen when its campaign launches: its privileges on the
 * target, and what it did with them within the review period.
 *
 * @param createdAt when the agent was created (a new agent is not "inactive" yet)
 * @param lastActivity its last statement ever, null if it never ran one
 * @param statements statements in the period; {@code ddl} and {@code denials} of them
 * @param usage each relation and operation it used in the period, with its use since the first
 */
public record Evidence(
        OffsetDateTime createdAt,
        OffsetDateTime lastActivity,
        long statements,
        long ddl,
        long denials,
        List<Grant> grants,
        List<RelationUse> usage) {

    public Evidence {
        grants = List.copyOf(grants);
        usage = List.copyOf(usage);
    }
}
