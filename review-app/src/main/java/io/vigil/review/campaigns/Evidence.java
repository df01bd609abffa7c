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
 * @param privilegesReadAt when {@code grants} were read from the target, null if never
 * @param privilegesUnknown why {@code grants} cannot be trusted (never read, the last read failed,
 *     or too old), null when they were read fresh
 * @param policies the guardrail policy versions its statements in the period were judged by
 *     ({@code baseline v2}); empty if none was (or the evidence predates guardrails)
 */
public record Evidence(
        OffsetDateTime createdAt,
        OffsetDateTime lastActivity,
        long statements,
        long ddl,
        long denials,
        List<Grant> grants,
        List<RelationUse> usage,
        OffsetDateTime privilegesReadAt,
        String privilegesUnknown,
        List<String> policies) {

    public Evidence {
        grants = List.copyOf(grants);
        usage = List.copyOf(usage);
        policies = List.copyOf(policies);
    }

    /** Evidence without guardrail policies in force. */
    public Evidence(
            OffsetDateTime createdAt,
            OffsetDateTime lastActivity,
            long statements,
            long ddl,
            long denials,
            List<Grant> grants,
            List<RelationUse> usage,
            OffsetDateTime privilegesReadAt,
            String privilegesUnknown) {
        this(
                createdAt,
                lastActivity,
                statements,
                ddl,
                denials,
                grants,
                usage,
                privilegesReadAt,
                privilegesUnknown,
                List.of());
    }

    /** Evidence whose privileges were read fresh at {@code readAt}. */
    public Evidence(
            OffsetDateTime createdAt,
            OffsetDateTime lastActivity,
            long statements,
            long ddl,
            long denials,
            List<Grant> grants,
            List<RelationUse> usage) {
        this(createdAt, lastActivity, statements, ddl, denials, grants, usage, createdAt, null);
    }
}
