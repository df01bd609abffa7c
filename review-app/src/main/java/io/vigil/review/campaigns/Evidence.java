package io.vigil.review.campaigns;

import io.vigil.review.usage.Grant;
import io.vigil.review.usage.RelationUsage;
import java.time.OffsetDateTime;
import java.util.List;

/**
 * What a reviewer sees of one agent, frozen when its campaign launches: its privileges on the
 * target, and what it did with them within the review period.
 *
 * @param createdAt when the agent was created (a new agent is not "inactive" yet)
 * @param lastActivity its last statement ever, null if it never ran one
 * @param statements statements in the period; {@code ddl} and {@code denials} of them
 * @param usage per relation and operation, in the period
 * @param usedBefore relations it used before the period (first use of a sensitive one is unusual)
 */
public record Evidence(
        OffsetDateTime createdAt,
        OffsetDateTime lastActivity,
        long statements,
        long ddl,
        long denials,
        List<Grant> grants,
        List<RelationUsage> usage,
        List<String> usedBefore) {

    public Evidence {
        grants = List.copyOf(grants);
        usage = List.copyOf(usage);
        usedBefore = List.copyOf(usedBefore);
    }
}
