package io.vigil.review.usage;

import static io.vigil.db.jooq.Tables.AGENT;

import io.vigil.review.security.Role;
import io.vigil.review.security.Viewer;
import org.jooq.Condition;
import org.jooq.impl.DSL;

/** Which agents' evidence a person may see: all of them, or (an owner) their own. */
final class Visibility {

    private Visibility() {}

    static Condition agents(Viewer viewer) {
        return viewer.seesAllAgents()
                ? DSL.trueCondition()
                : viewer.has(Role.OWNER) ? AGENT.OWNER.eq(viewer.name()) : DSL.falseCondition();
    }
}
