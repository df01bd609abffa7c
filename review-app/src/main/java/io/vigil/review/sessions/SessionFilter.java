package io.vigil.review.sessions;

import io.vigil.proxy.audit.Judgement;
import java.time.OffsetDateTime;

/**
 * What the Sessions page narrows the list to. Every part is optional (null or blank: any).
 *
 * @param agent an agent's exact name
 * @param target a target's exact name
 * @param from sessions still open at or after this time
 * @param to sessions started before this time
 * @param kind sessions that ran at least one statement of this kind (read, write, ddl, ...)
 * @param relation sessions that read or wrote this relation; {@code orders} also matches {@code
 *     archive.orders}, {@code archive.orders} only itself
 * @param stopped sessions with at least one statement policy stopped this way (denied, or held for
 *     review)
 * @param observed sessions with at least one statement that ran and that a policy in observe mode
 *     would have stopped this way
 */
public record SessionFilter(
        String agent,
        String target,
        OffsetDateTime from,
        OffsetDateTime to,
        String kind,
        String relation,
        Judgement.Effect stopped,
        Judgement.Effect observed) {

    public static final SessionFilter ANY = new SessionFilter(null, null, null, null, null, null);

    public SessionFilter {
        agent = blankToNull(agent);
        target = blankToNull(target);
        kind = blankToNull(kind);
        relation = blankToNull(relation);
        if (stopped == Judgement.Effect.ALLOW || observed == Judgement.Effect.ALLOW) {
            throw new IllegalArgumentException("sessions are filtered by statements policy stopped, not allowed");
        }
    }

    /** Any session, as far as policy goes. */
    public SessionFilter(
            String agent, String target, OffsetDateTime from, OffsetDateTime to, String kind, String relation) {
        this(agent, target, from, to, kind, relation, null, null);
    }

    public SessionFilter withStopped(Judgement.Effect stopped) {
        return new SessionFilter(agent, target, from, to, kind, relation, stopped, observed);
    }

    public SessionFilter withObserved(Judgement.Effect observed) {
        return new SessionFilter(agent, target, from, to, kind, relation, stopped, observed);
    }

    public SessionFilter withAgent(String agent) {
        return new SessionFilter(agent, target, from, to, kind, relation, stopped, observed);
    }

    public SessionFilter withTarget(String target) {
        return new SessionFilter(agent, target, from, to, kind, relation, stopped, observed);
    }

    public SessionFilter withTimes(OffsetDateTime from, OffsetDateTime to) {
        return new SessionFilter(agent, target, from, to, kind, relation, stopped, observed);
    }

    public SessionFilter withKind(String kind) {
        return new SessionFilter(agent, target, from, to, kind, relation, stopped, observed);
    }

    public SessionFilter withRelation(String relation) {
        return new SessionFilter(agent, target, from, to, kind, relation, stopped, observed);
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }
}
