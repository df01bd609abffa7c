package io.vigil.review.approvals;

import static io.vigil.db.jooq.Tables.AGENT;
import static io.vigil.db.jooq.Tables.APPROVAL_REQUEST;
import static io.vigil.db.jooq.Tables.TARGET;

import io.vigil.review.gateway.AuditTrail;
import io.vigil.review.security.CurrentViewer;
import io.vigil.review.security.Role;
import io.vigil.review.security.Viewer;
import io.vigil.review.ui.NavCount;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Statements waiting for a person. Approvers (and administrators) see and decide every request;
 * owners see their own agents' requests. A decision is written to the store, where the gateway
 * holding the statement reads it within a second, and is a trail record. Nobody decides a statement
 * made on their own behalf or by an agent that is them: such an attempt is refused and recorded.
 */
@Service
public class ApprovalService implements NavCount {

    private final DSLContext db;
    private final CurrentViewer viewer;
    private final AuditTrail trail;

    ApprovalService(DSLContext db, CurrentViewer viewer, AuditTrail trail) {
        this.db = db;
        this.viewer = viewer;
        this.trail = trail;
    }

    /**
     * A request waiting for a decision.
     *
     * @param onBehalfOf the person the agent's token says it acts for, "" if none
     * @param held whether it waits in the live session (else it was refused and runs on retry)
     */
    public record Request(
            UUID id,
            String agent,
            String owner,
            String onBehalfOf,
            String task,
            String target,
            String policy,
            int policyVersion,
            String rule,
            String ruleMessage,
            String sql,
            List<String> parameters,
            OffsetDateTime requestedAt,
            OffsetDateTime expiresAt,
            boolean held) {}

    /** What waits for a decision now, oldest first, as far as the person signed in may see. */
    @Transactional(readOnly = true)
    public List<Request> pending() {
        Viewer v = viewer.get();
        if (!v.hasAnyRole()) {
            throw new AccessDeniedException("no Vigil role");
        }
        return db.select(
                        APPROVAL_REQUEST.ID,
                        AGENT.NAME,
                        AGENT.OWNER,
                        APPROVAL_REQUEST.ON_BEHALF_OF,
                        APPROVAL_REQUEST.TASK,
                        TARGET.NAME,
                        APPROVAL_REQUEST.POLICY,
                        APPROVAL_REQUEST.POLICY_VERSION,
                        APPROVAL_REQUEST.RULE,
                        APPROVAL_REQUEST.RULE_MESSAGE,
                        APPROVAL_REQUEST.SQL_TEXT,
                        APPROVAL_REQUEST.PARAMETERS,
                        APPROVAL_REQUEST.REQUESTED_AT,
                        APPROVAL_REQUEST.EXPIRES_AT,
                        APPROVAL_REQUEST.HELD)
                .from(APPROVAL_REQUEST)
                .join(AGENT)
                .on(AGENT.ID.eq(APPROVAL_REQUEST.AGENT_ID))
                .join(TARGET)
                .on(TARGET.ID.eq(APPROVAL_REQUEST.TARGET_ID))
                .where(waiting())
                .and(visibleTo(v))
                .orderBy(APPROVAL_REQUEST.REQUESTED_AT)
                .fetch(r -> new Request(
                        r.value1(),
                        r.value2(),
                        r.value3(),
                        r.value4(),
                        r.value5(),
                        r.value6(),
                        r.value7(),
                        r.value8(),
                        r.value9(),
                        r.value10(),
                        r.value11(),
                        r.value12() == null ? List.of() : Arrays.asList(r.value12()),
                        r.value13(),
                        r.value14(),
                        r.value15()));
    }

    @Override
    public String path() {
        return "approvals";
    }

    /** How many requests the person signed in may decide now. */
    @Override
    @Transactional(readOnly = true)
    public int count() {
        Viewer v = viewer.get();
        if (!mayDecide(v)) {
            return 0;
        }
        return db.fetchCount(APPROVAL_REQUEST, waiting());
    }

    /** Whether the person signed in decides requests (approvers and administrators). */
    public boolean mayDecide() {
        return mayDecide(viewer.get());
    }

    /** Approves the request: the statement runs in the agent's session as it was sent. */
    @Transactional
    public void approve(UUID request, String reason) {
        decide(request, true, reason);
    }

    /** Denies the request: the agent is told {@code reason}, and the session goes on. */
    @Transactional
    public void deny(UUID request, String reason) {
        decide(request, false, reason);
    }

    private void decide(UUID id, boolean approve, String reason) {
        Viewer v = viewer.get();
        if (!mayDecide(v)) {
            throw new AccessDeniedException("only approvers decide what waits for approval");
        }
        String why = reason == null ? "" : reason.strip();
        if (why.length() > 1000 || why.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("a reason is at most 1000 characters of text");
        }
        // Who it was made for, as the gateway filed it with the request.
        var r = db.select(AGENT.NAME, APPROVAL_REQUEST.ON_BEHALF_OF)
                .from(APPROVAL_REQUEST)
                .join(AGENT)
                .on(AGENT.ID.eq(APPROVAL_REQUEST.AGENT_ID))
                .where(APPROVAL_REQUEST.ID.eq(id))
                .fetchOne();
        if (r == null) {
            throw new IllegalArgumentException("no such request");
        }
        String agent = r.value1();
        if (v.name().equals(r.value2()) || v.name().equals(agent)) {
            trail.record(
                    v.name(),
                    "approval.refused",
                    "approval",
                    id,
                    agent,
                    "separation of duties: the statement was made on their behalf or by an agent that is them");
            throw new AccessDeniedException(
                    "you cannot decide a statement made on your own behalf or by an agent that is you");
        }
        int decided = db.update(APPROVAL_REQUEST)
                .set(APPROVAL_REQUEST.STATE, approve ? "approved" : "denied")
                .set(APPROVAL_REQUEST.DECIDED_BY, v.name())
                .set(APPROVAL_REQUEST.DECIDED_AT, DSL.currentOffsetDateTime())
                .set(APPROVAL_REQUEST.DECISION_REASON, why.isEmpty() ? null : why)
                .where(APPROVAL_REQUEST.ID.eq(id))
                .and(waiting())
                .execute();
        if (decided == 0) {
            throw new IllegalStateException("this request was decided, expired or withdrawn meanwhile");
        }
        // Before the decision commits: one the trail cannot take is rolled back, never made unrecorded.
        trail.record(
                v.name(),
                approve ? "approval.approve" : "approval.deny",
                "approval",
                id,
                agent,
                why.isEmpty() ? (approve ? "approved" : "denied") : "reason: " + why);
    }

    private static boolean mayDecide(Viewer v) {
        return v.has(Role.APPROVER) || v.has(Role.ADMIN);
    }

    private static Condition waiting() {
        return APPROVAL_REQUEST.STATE.eq("pending").and(APPROVAL_REQUEST.EXPIRES_AT.gt(DSL.currentOffsetDateTime()));
    }

    private static Condition visibleTo(Viewer v) {
        return v.seesAllAgents() ? DSL.trueCondition() : AGENT.OWNER.eq(v.name());
    }
}
