package io.vigil.review.campaigns;

import static io.vigil.db.jooq.Tables.AGENT;
import static io.vigil.db.jooq.Tables.TARGET;

import io.vigil.db.jooq.tables.Agent;
import org.jooq.Condition;
import org.jooq.impl.DSL;

/**
 * Whether an agent's upstream role is its own, so a review may take its login and privileges away:
 * it has a role set, and neither the target's login role nor another agent of the target uses it.
 * Taking a shared role's access would cut off every agent that logs in with it, and Vigil itself.
 */
final class OwnRole {

    private OwnRole() {}

    /** Over {@code agent} joined with its {@code target}. */
    static Condition of() {
        Agent other = AGENT.as("other_agent");
        return AGENT.UPSTREAM_USER
                .isNotNull()
                .and(AGENT.UPSTREAM_USER.ne(TARGET.UPSTREAM_USER))
                .andNotExists(DSL.selectOne()
                        .from(other)
                        .where(other.TARGET_ID.eq(AGENT.TARGET_ID))
                        .and(other.UPSTREAM_USER.eq(AGENT.UPSTREAM_USER))
                        .and(other.ID.ne(AGENT.ID)));
    }
}
