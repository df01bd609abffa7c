package io.vigil.proxy.directory;

import static io.vigil.db.jooq.Tables.APPROVAL_REQUEST;
import static io.vigil.db.jooq.Tables.STANDING_APPROVAL;

import io.vigil.proxy.approval.ApprovalDesk;
import io.vigil.proxy.approval.StandingApprovals;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jooq.DSLContext;

/** Requests for approval in Vigil's store ({@code approval_request}). */
public final class JooqApprovalDesk implements ApprovalDesk {

    private final DSLContext db;

    public JooqApprovalDesk(DSLContext db) {
        this.db = db;
    }

    @Override
    public void file(Request r) {
        db.insertInto(APPROVAL_REQUEST)
                .set(APPROVAL_REQUEST.ID, r.id())
                .set(APPROVAL_REQUEST.SESSION_ID, r.sessionId())
                .set(APPROVAL_REQUEST.AGENT_ID, r.agentId())
                .set(APPROVAL_REQUEST.TARGET_ID, r.targetId())
                .set(APPROVAL_REQUEST.ON_BEHALF_OF, r.onBehalfOf())
                .set(APPROVAL_REQUEST.TASK, r.task())
                .set(APPROVAL_REQUEST.POLICY, r.policy())
                .set(APPROVAL_REQUEST.POLICY_VERSION, (int) r.policyVersion())
                .set(APPROVAL_REQUEST.RULE, r.rule())
                .set(APPROVAL_REQUEST.RULE_MESSAGE, r.ruleMessage())
                .set(APPROVAL_REQUEST.SQL_TEXT, r.sql())
                .set(
                        APPROVAL_REQUEST.PARAMETERS,
                        r.parameters() == null ? null : r.parameters().toArray(String[]::new))
                .set(APPROVAL_REQUEST.BINDING, r.binding())
                .set(APPROVAL_REQUEST.HELD, r.held())
                .set(APPROVAL_REQUEST.REQUESTED_AT, utc(r.requestedAt()))
                .set(APPROVAL_REQUEST.EXPIRES_AT, utc(r.expiresAt()))
                .set(APPROVAL_REQUEST.APPROVERS, r.approvers().name().toLowerCase(java.util.Locale.ROOT))
                .set(APPROVAL_REQUEST.APPROVALS_NEEDED, r.approvalsNeeded())
                .execute();
    }

    @Override
    public List<StandingApprovals.Standing> standing(Instant now) {
        return db.selectFrom(STANDING_APPROVAL)
                .where(STANDING_APPROVAL.WITHDRAWN_AT.isNull())
                .and(STANDING_APPROVAL.USES_LEFT.isNull().or(STANDING_APPROVAL.USES_LEFT.gt(0)))
                .and(STANDING_APPROVAL.VALID_UNTIL.isNull().or(STANDING_APPROVAL.VALID_UNTIL.gt(utc(now))))
                .fetch(r -> new StandingApprovals.Standing(
                        r.getId(),
                        r.getAgentId(),
                        r.getSqlText(),
                        r.getParameters() == null ? null : java.util.Arrays.asList(r.getParameters()),
                        r.getUsesLeft(),
                        r.getValidUntil() == null ? null : r.getValidUntil().toInstant(),
                        r.getPolicy(),
                        r.getRule(),
                        r.getGrantedBy()));
    }

    @Override
    public boolean usedStanding(UUID standing) {
        // uses_left - 1 stays null for an approval without a count.
        boolean withinGrant = db.update(STANDING_APPROVAL)
                        .set(STANDING_APPROVAL.USES, STANDING_APPROVAL.USES.plus(1))
                        .set(STANDING_APPROVAL.USES_LEFT, STANDING_APPROVAL.USES_LEFT.minus(1))
                        .where(STANDING_APPROVAL.ID.eq(standing))
                        .and(STANDING_APPROVAL.WITHDRAWN_AT.isNull())
                        .and(STANDING_APPROVAL.USES_LEFT.isNull().or(STANDING_APPROVAL.USES_LEFT.gt(0)))
                        .execute()
                == 1;
        if (!withinGrant) {
            // Counted all the same: the store says it ran more often than granted.
            db.update(STANDING_APPROVAL)
                    .set(STANDING_APPROVAL.USES, STANDING_APPROVAL.USES.plus(1))
                    .where(STANDING_APPROVAL.ID.eq(standing))
                    .execute();
        }
        return withinGrant;
    }

    @Override
    public boolean used(UUID request, UUID session, long seq, Instant at) {
        return db.update(APPROVAL_REQUEST)
                        .set(APPROVAL_REQUEST.STATE, "used")
                        .set(APPROVAL_REQUEST.CLOSED_AT, utc(at))
                        .set(APPROVAL_REQUEST.STATEMENT_SESSION_ID, session)
                        .set(APPROVAL_REQUEST.STATEMENT_SEQ, seq)
                        .where(APPROVAL_REQUEST.ID.eq(request))
                        .and(APPROVAL_REQUEST.STATE.eq("approved"))
                        .execute()
                == 1;
    }

    @Override
    public void linked(UUID request, long statementSeq) {
        db.update(APPROVAL_REQUEST)
                .set(APPROVAL_REQUEST.STATEMENT_SEQ, statementSeq)
                .where(APPROVAL_REQUEST.ID.eq(request))
                .execute();
    }

    @Override
    public void measured(UUID request, Measure measure) {
        db.update(APPROVAL_REQUEST)
                .set(APPROVAL_REQUEST.PLAN, measure.plan())
                .set(APPROVAL_REQUEST.ESTIMATED_ROWS, measure.estimatedRows())
                .set(APPROVAL_REQUEST.EXACT_ROWS, measure.exactRows())
                .set(APPROVAL_REQUEST.BLAST_NOTE, measure.note())
                .set(APPROVAL_REQUEST.MEASURED_AT, OffsetDateTime.now(ZoneOffset.UTC))
                .where(APPROVAL_REQUEST.ID.eq(request))
                .execute();
    }

    @Override
    public Map<UUID, Decision> decisions(Collection<UUID> pending) {
        Map<UUID, Decision> decided = new HashMap<>();
        if (pending.isEmpty()) {
            return decided;
        }
        for (var r : db.select(
                        APPROVAL_REQUEST.ID,
                        APPROVAL_REQUEST.STATE,
                        APPROVAL_REQUEST.DECIDED_BY,
                        APPROVAL_REQUEST.DECISION_REASON)
                .from(APPROVAL_REQUEST)
                .where(APPROVAL_REQUEST.ID.in(pending))
                .and(APPROVAL_REQUEST.STATE.in("approved", "denied"))) {
            decided.put(
                    r.value1(),
                    new Decision(r.value2().equals("approved"), r.value3(), r.value4() == null ? "" : r.value4()));
        }
        return decided;
    }

    @Override
    public boolean close(UUID request, Outcome outcome, Instant at, Long statementSeq) {
        String state =
                switch (outcome) {
                    case RELEASED -> "released";
                    case REFUSED -> "denied";
                    case EXPIRED -> "expired";
                    case WITHDRAWN -> "withdrawn";
                    case USED -> "used";
                    case LAPSED -> "lapsed";
                };
        var update = db.update(APPROVAL_REQUEST)
                .set(APPROVAL_REQUEST.STATE, state)
                .set(APPROVAL_REQUEST.CLOSED_AT, utc(at))
                .set(APPROVAL_REQUEST.STATEMENT_SEQ, statementSeq)
                .where(APPROVAL_REQUEST.ID.eq(request));
        // A person's decision stands: expiry and withdrawal only close what nobody decided.
        if (outcome == Outcome.EXPIRED) {
            return update.and(APPROVAL_REQUEST.STATE.eq("pending")).execute() == 1;
        }
        if (outcome == Outcome.WITHDRAWN) {
            // An approval nobody is left to run stands as withdrawn (who approved it stays said).
            return update.and(APPROVAL_REQUEST.STATE.in("pending", "approved")).execute() == 1;
        }
        if (outcome == Outcome.USED || outcome == Outcome.LAPSED) {
            // Once: an approval is used or lapses, never both, never twice.
            return update.and(APPROVAL_REQUEST.STATE.eq("approved")).execute() == 1;
        }
        update.execute();
        return true;
    }

    private static OffsetDateTime utc(Instant at) {
        return at.atOffset(ZoneOffset.UTC);
    }
}
