package io.vigil.review.agents;

import static io.vigil.db.jooq.Tables.AGENT;

import io.vigil.review.security.Role;
import io.vigil.review.security.Viewer;
import org.jooq.Condition;
import org.jooq.impl.DSL;

/**
 * Which agents a person may see, as a condition on {@code agent}: every one for administrators,
 * auditors and approvers, their own for an owner, none without a role. Every feature that shows
 * an agent or its evidence (sessions, usage, privileges) filters with this one condition.
 */
public final class AgentVisibility {

    private AgentVisibility() {}

    public static Condition of(Viewer viewer) {
        return viewer.seesAllAgents()
                ? DSL.trueCondition()
                : viewer.has(Role.OWNER) ? AGENT.OWNER.eq(viewer.name()) : DSL.falseCondition();
    }
}
