package io.vigil.review.campaigns;

import static io.vigil.db.jooq.Tables.PERSON_ACTION;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record2;
import org.jooq.Select;

/**
 * Separation of duties for reviews: nobody decides on an item where they are the subject (an agent
 * reviewing itself, say through a workload identity of the same name) or where they were the last to
 * change that agent's access (created it, re-enabled it, or gave it another upstream role) — the
 * auditors' classic finding "the reviewer provisioned the access".
 */
final class Separation {

    /** Trail actions that give an agent access or change what it may do. */
    static final List<String> ACCESS_CHANGES = List.of("agent.create", "agent.enable", "agent.upstream-role");

    private Separation() {}

    /** @return why {@code person} may not decide on the agent, or null if they may */
    static String conflict(String person, String agentName, String lastAccessChanger) {
        if (person.equals(agentName)) {
            return person + " is the agent under review";
        }
        if (person.equals(lastAccessChanger)) {
            return person + " made the last change to " + agentName + "'s access";
        }
        return null;
    }

    /** Who last changed each agent's access, for the agents {@code agents} selects. */
    static Map<UUID, String> lastAccessChangers(DSLContext db, Select<? extends org.jooq.Record1<UUID>> agents) {
        Field<UUID> subject = PERSON_ACTION.SUBJECT_ID;
        return db.selectDistinct(subject, PERSON_ACTION.ACTOR)
                .on(subject)
                .from(PERSON_ACTION)
                .where(PERSON_ACTION.SUBJECT_KIND.eq("agent"))
                .and(PERSON_ACTION.ACTION.in(ACCESS_CHANGES))
                .and(subject.in(agents))
                .orderBy(subject, PERSON_ACTION.ACTED_AT.desc())
                .fetchMap(Record2::value1, Record2::value2);
    }
}
