package io.vigil.review.approvals;

import static io.vigil.db.jooq.Tables.AGENT;
import static io.vigil.db.jooq.Tables.APPROVAL_DECISION;
import static io.vigil.db.jooq.Tables.APPROVAL_REQUEST;
import static io.vigil.db.jooq.Tables.STANDING_APPROVAL;
import static io.vigil.db.jooq.Tables.STATEMENT;
import static io.vigil.db.jooq.Tables.TARGET;

import io.vigil.db.jooq.tables.records.ApprovalRequestRecord;
import io.vigil.review.gateway.AuditTrail;
import io.vigil.review.security.CurrentViewer;
import io.vigil.review.security.Role;
import io.vigil.review.security.Viewer;
import io.vigil.review.ui.NavCount;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Statements waiting for a person. Approvers (and administrators) see every request, owners their
 * own agents'; who decides is the rule's to say: approvers, or the agent's owner, and how many
 * different people must approve (one denial denies). Administrators decide any. A decision is written to the store, where the gateway
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
     * @param approvers who may decide it, as its rule says
     * @param approvalsNeeded how many different people must approve it
     * @param approvedBy who approved it so far (fewer than needed)
     * @param radius what Vigil measured of it, null until measured
     * @param before the session's statements before it, latest last (at most {@link #BEFORE})
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
            boolean held,
            Approvers approvers,
            int approvalsNeeded,
            List<String> approvedBy,
            BlastRadius radius,
            List<String> before) {}

    /** Who decides a request, as its rule says. */
    public enum Approvers {
        /** People with the approver role (and administrators). */
        APPROVER,
        /** The agent's owner (and administrators). */
        OWNER
    }

    /**
     * What Vigil measured of a held statement.
     *
     * @param plan EXPLAIN's plan, null if not planned
     * @param estimatedRows the planner's estimate, null if none
     * @param exactRows the rows it would change, counted and rolled back; null if not counted
     * @param note why a figure is missing, "" if none is
     */
    public record BlastRadius(String plan, Long estimatedRows, Long exactRows, String note) {}

    /** How many of the session's earlier statements a request shows. */
    static final int BEFORE = 5;

    /** What waits for a decision now, oldest first, as far as the person signed in may see. */
    @Transactional(readOnly = true)
    public List<Request> pending() {
        Viewer v = viewer.get();
        if (!v.hasAnyRole()) {
            throw new AccessDeniedException("no Vigil role");
        }
        return db.select(APPROVAL_REQUEST.asterisk(), AGENT.NAME, AGENT.OWNER, TARGET.NAME)
                .from(APPROVAL_REQUEST)
                .join(AGENT)
                .on(AGENT.ID.eq(APPROVAL_REQUEST.AGENT_ID))
                .join(TARGET)
                .on(TARGET.ID.eq(APPROVAL_REQUEST.TARGET_ID))
                .where(waiting())
                .and(visibleTo(v))
                .orderBy(APPROVAL_REQUEST.REQUESTED_AT)
                .fetch(r -> {
                    ApprovalRequestRecord a = r.into(APPROVAL_REQUEST);
                    return new Request(
                            a.getId(),
                            r.get(AGENT.NAME),
                            r.get(AGENT.OWNER),
                            a.getOnBehalfOf(),
                            a.getTask(),
                            r.get(TARGET.NAME),
                            a.getPolicy(),
                            a.getPolicyVersion(),
                            a.getRule(),
                            a.getRuleMessage(),
                            a.getSqlText(),
                            a.getParameters() == null ? List.of() : Arrays.asList(a.getParameters()),
                            a.getRequestedAt(),
                            a.getExpiresAt(),
                            a.getHeld(),
                            Approvers.valueOf(a.getApprovers().toUpperCase(java.util.Locale.ROOT)),
                            a.getApprovalsNeeded(),
                            approvedBy(a.getId()),
                            a.getMeasuredAt() == null
                                    ? null
                                    : new BlastRadius(
                                            a.getPlan(),
                                            a.getEstimatedRows(),
                                            a.getExactRows(),
                                            a.getBlastNote() == null ? "" : a.getBlastNote()),
                            before(a));
                });
    }

    private List<String> approvedBy(UUID request) {
        return db.select(APPROVAL_DECISION.DECIDED_BY)
                .from(APPROVAL_DECISION)
                .where(APPROVAL_DECISION.REQUEST_ID.eq(request))
                .and(APPROVAL_DECISION.APPROVED)
                .orderBy(APPROVAL_DECISION.DECIDED_AT)
                .fetch(APPROVAL_DECISION.DECIDED_BY);
    }

    /** The session's statements before the request, as the trail has them so far. */
    private List<String> before(ApprovalRequestRecord a) {
        List<String> texts = db.select(STATEMENT.SQL_TEXT)
                .from(STATEMENT)
                .where(STATEMENT.SESSION_ID.eq(a.getSessionId()))
                .and(STATEMENT.STARTED_AT.le(a.getRequestedAt()))
                .and(STATEMENT.STARTED_AT.ge(a.getRequestedAt().minusDays(1)))
                .orderBy(STATEMENT.STARTED_AT.desc(), STATEMENT.SEQ.desc())
                .limit(BEFORE)
                .fetch(STATEMENT.SQL_TEXT);
        java.util.Collections.reverse(texts);
        return texts;
    }

    /**
     * What became of the requests for approval of a session's statements, by each statement's place
     * in the trail, in a few words: who decided, how long it waited. The caller has checked that the
     * session is visible to the person signed in.
     */
    @Transactional(readOnly = true)
    public Map<Long, String> ofStatements(UUID session, Collection<Long> seqs) {
        Map<Long, String> said = new HashMap<>();
        if (seqs.isEmpty()) {
            return said;
        }
        for (ApprovalRequestRecord r : db.selectFrom(APPROVAL_REQUEST)
                .where(DSL.coalesce(APPROVAL_REQUEST.STATEMENT_SESSION_ID, APPROVAL_REQUEST.SESSION_ID)
                        .eq(session))
                .and(APPROVAL_REQUEST.STATEMENT_SEQ.in(seqs))) {
            said.put(r.getStatementSeq(), said(r));
        }
        return said;
    }

    /**
     * One request's course, as evidence tells it.
     *
     * @param outcome pending, released, used, denied, expired, withdrawn, lapsed or approved (not
     *     yet run)
     * @param decidedBy who approved (all of them) or denied; "" if nobody decided
     * @param waited from the request to what became of it; null while open
     */
    public record Course(
            UUID agentId,
            String agent,
            OffsetDateTime requestedAt,
            String policy,
            String rule,
            String statement,
            String outcome,
            String decidedBy,
            String reason,
            Long exactRows,
            Duration waited) {

        /** Whether a person let it run. */
        public boolean granted() {
            return outcome.equals("released")
                    || outcome.equals("used")
                    || outcome.equals("approved")
                    || outcome.equals("lapsed");
        }
    }

    /**
     * Per agent: how many statements asked for a person's approval, and what became of them.
     *
     * @param expired nobody decided in time
     */
    public record Tally(int requested, int granted, int denied, int expired) {}

    /**
     * The requests of these agents made in [{@code from}, {@code to}), oldest first. For evidence:
     * the caller authorizes.
     */
    @Transactional(readOnly = true)
    public List<Course> courses(Collection<UUID> agents, OffsetDateTime from, OffsetDateTime to) {
        return db.select(APPROVAL_REQUEST.asterisk(), AGENT.NAME)
                .from(APPROVAL_REQUEST)
                .join(AGENT)
                .on(AGENT.ID.eq(APPROVAL_REQUEST.AGENT_ID))
                .where(APPROVAL_REQUEST.AGENT_ID.in(agents))
                .and(APPROVAL_REQUEST.REQUESTED_AT.ge(from))
                .and(APPROVAL_REQUEST.REQUESTED_AT.lt(to))
                .orderBy(APPROVAL_REQUEST.REQUESTED_AT, APPROVAL_REQUEST.ID)
                .fetch(r -> course(r.into(APPROVAL_REQUEST), r.get(AGENT.NAME)));
    }

    private Course course(ApprovalRequestRecord r, String agent) {
        List<String> approvers = approvedBy(r.getId());
        String decidedBy = r.getState().equals("denied") || approvers.isEmpty()
                ? (r.getDecidedBy() == null ? "" : r.getDecidedBy())
                : String.join(", ", approvers);
        boolean open = r.getState().equals("pending") && r.getExpiresAt().isAfter(OffsetDateTime.now());
        String outcome = r.getState().equals("pending") && !open ? "expired" : r.getState();
        return new Course(
                r.getAgentId(),
                agent,
                r.getRequestedAt(),
                r.getPolicy() + " v" + r.getPolicyVersion(),
                r.getRule(),
                r.getSqlText(),
                outcome,
                decidedBy,
                r.getDecisionReason() == null ? "" : r.getDecisionReason(),
                r.getExactRows(),
                r.getClosedAt() == null ? null : Duration.between(r.getRequestedAt(), r.getClosedAt()));
    }

    /** An agent's requests made since {@code since}, counted. For its page: the caller authorizes. */
    @Transactional(readOnly = true)
    public Tally tally(UUID agent, OffsetDateTime since) {
        return tally(courses(List.of(agent), since, OffsetDateTime.now().plusDays(1)));
    }

    /** {@code courses} counted. */
    public static Tally tally(List<Course> courses) {
        int granted = 0;
        int denied = 0;
        int expired = 0;
        for (Course c : courses) {
            if (c.granted()) {
                granted++;
            } else if (c.outcome().equals("denied")) {
                denied++;
            } else if (c.outcome().equals("expired")) {
                expired++;
            }
        }
        return new Tally(courses.size(), granted, denied, expired);
    }

    /**
     * An exact statement of one agent an administrator approved ahead of time.
     *
     * @param values the values it is for, null for any
     * @param usesLeft how many more runs it allows, null for no count
     * @param until when it ends, null for never
     * @param withdrawnBy who withdrew it, null while it stands
     */
    public record Standing(
            UUID id,
            UUID agentId,
            String agent,
            String sql,
            List<String> values,
            Integer usesLeft,
            int uses,
            OffsetDateTime until,
            String policy,
            String rule,
            String grantedBy,
            OffsetDateTime grantedAt,
            String reason,
            String withdrawnBy,
            OffsetDateTime withdrawnAt) {

        /** Whether it lets its statement run now. */
        public boolean inForce() {
            return withdrawnBy == null
                    && (usesLeft == null || usesLeft > 0)
                    && (until == null || until.isAfter(OffsetDateTime.now()));
        }

        /** Its terms in words: "3 runs left, until 2026-12-09 10:00 UTC, any values". */
        public String terms() {
            List<String> said = new ArrayList<>();
            if (usesLeft != null) {
                said.add(usesLeft + (usesLeft == 1 ? " run left" : " runs left"));
            }
            if (until != null) {
                said.add("until " + io.vigil.review.ui.Feedback.utc(until));
            }
            said.add(
                    values == null
                            ? "any values"
                            : "only with values "
                                    + String.join(
                                            ", ",
                                            values.stream().map(String::valueOf).toList()));
            return String.join(", ", said);
        }
    }

    /**
     * Approves the request and keeps approving the same statement of the same agent ahead of time:
     * administrators only. At least one of {@code uses} and {@code days} bounds it.
     *
     * @param fixValues only with the values of this request (else any values)
     */
    @Transactional
    public UUID approveStanding(UUID request, boolean fixValues, Integer uses, Integer days, String reason) {
        Viewer v = viewer.get();
        if (!v.has(Role.ADMIN)) {
            throw new AccessDeniedException("only an administrator grants a standing approval");
        }
        String why = reason == null ? "" : reason.strip();
        if (why.isEmpty() || why.length() > 1000) {
            throw new IllegalArgumentException("a standing approval needs a reason (at most 1000 characters)");
        }
        if (uses == null && days == null
                || uses != null && (uses < 1 || uses > 10_000)
                || days != null && (days < 1 || days > 366)) {
            throw new IllegalArgumentException("a standing approval is for 1 to 10000 runs, or 1 to 366 days, or both");
        }
        ApprovalRequestRecord r = db.selectFrom(APPROVAL_REQUEST)
                .where(APPROVAL_REQUEST.ID.eq(request))
                .fetchOne();
        if (r == null) {
            throw new IllegalArgumentException("no such request");
        }
        if (r.getApprovalsNeeded() > 1) {
            throw new IllegalStateException("its rule asks for " + r.getApprovalsNeeded()
                    + " different approvers: it cannot be approved ahead of time by one");
        }
        decide(request, true, why); // separation of duties and the request's state, checked as for any approval
        UUID id = UUID.randomUUID();
        db.insertInto(STANDING_APPROVAL)
                .set(STANDING_APPROVAL.ID, id)
                .set(STANDING_APPROVAL.AGENT_ID, r.getAgentId())
                .set(STANDING_APPROVAL.SQL_TEXT, r.getSqlText())
                .set(
                        STANDING_APPROVAL.PARAMETERS,
                        fixValues ? (r.getParameters() == null ? new String[0] : r.getParameters()) : null)
                .set(STANDING_APPROVAL.USES_LEFT, uses)
                .set(
                        STANDING_APPROVAL.VALID_UNTIL,
                        days == null ? null : OffsetDateTime.now().plusDays(days))
                .set(STANDING_APPROVAL.POLICY, r.getPolicy())
                .set(STANDING_APPROVAL.RULE, r.getRule())
                .set(STANDING_APPROVAL.FROM_REQUEST, request)
                .set(STANDING_APPROVAL.GRANTED_BY, v.name())
                .set(STANDING_APPROVAL.GRANTED_AT, DSL.currentOffsetDateTime())
                .set(STANDING_APPROVAL.REASON, why)
                .execute();
        trail.record(
                v.name(),
                "approval.standing-grant",
                "standing-approval",
                id,
                agentName(r.getAgentId()),
                "under policy " + r.getPolicy() + ", rule " + r.getRule() + ": "
                        + (uses == null ? "" : uses + " runs, ") + (days == null ? "" : days + " days, ")
                        + (fixValues ? "only with the request's values" : "any values") + "; reason: " + why);
        return id;
    }

    /** Whether the person signed in grants and withdraws standing approvals (administrators). */
    public boolean mayGrantStanding() {
        return viewer.get().has(Role.ADMIN);
    }

    /** Withdraws a standing approval: the gateways stop honouring it within a second. Administrators only. */
    @Transactional
    public void withdrawStanding(UUID standing) {
        Viewer v = viewer.get();
        if (!v.has(Role.ADMIN)) {
            throw new AccessDeniedException("only an administrator withdraws a standing approval");
        }
        var r = db.update(STANDING_APPROVAL)
                .set(STANDING_APPROVAL.WITHDRAWN_BY, v.name())
                .set(STANDING_APPROVAL.WITHDRAWN_AT, DSL.currentOffsetDateTime())
                .where(STANDING_APPROVAL.ID.eq(standing))
                .and(STANDING_APPROVAL.WITHDRAWN_AT.isNull())
                .returning(STANDING_APPROVAL.AGENT_ID, STANDING_APPROVAL.POLICY)
                .fetchOne();
        if (r == null) {
            throw new IllegalStateException("this standing approval was withdrawn already");
        }
        trail.record(
                v.name(),
                "approval.standing-withdraw",
                "standing-approval",
                standing,
                agentName(r.getAgentId()),
                "withdrawn (policy " + r.getPolicy() + ")");
    }

    /** An agent's standing approvals, newest first. Visible to whoever sees the agent. */
    @Transactional(readOnly = true)
    public List<Standing> standingOf(UUID agent) {
        return standing(STANDING_APPROVAL.AGENT_ID.eq(agent).and(visibleTo(viewer.get())));
    }

    /** The standing approvals granted under a policy, newest first: part of its history. */
    @Transactional(readOnly = true)
    public List<Standing> standingUnder(String policy) {
        return standing(STANDING_APPROVAL.POLICY.eq(policy).and(visibleTo(viewer.get())));
    }

    /**
     * The standing approvals of these agents in force at some time in [{@code from}, {@code to}):
     * granted before its end, not withdrawn or ended before its start. For evidence: the caller
     * authorizes.
     */
    @Transactional(readOnly = true)
    public List<Standing> standingDuring(Collection<UUID> agents, OffsetDateTime from, OffsetDateTime to) {
        return standing(STANDING_APPROVAL
                .AGENT_ID
                .in(agents)
                .and(STANDING_APPROVAL.GRANTED_AT.lt(to))
                .and(STANDING_APPROVAL.WITHDRAWN_AT.isNull().or(STANDING_APPROVAL.WITHDRAWN_AT.ge(from)))
                .and(STANDING_APPROVAL.VALID_UNTIL.isNull().or(STANDING_APPROVAL.VALID_UNTIL.ge(from))));
    }

    private List<Standing> standing(Condition where) {
        return db.select(STANDING_APPROVAL.asterisk(), AGENT.NAME)
                .from(STANDING_APPROVAL)
                .join(AGENT)
                .on(AGENT.ID.eq(STANDING_APPROVAL.AGENT_ID))
                .where(where)
                .orderBy(STANDING_APPROVAL.GRANTED_AT.desc())
                .fetch(r -> {
                    var a = r.into(STANDING_APPROVAL);
                    return new Standing(
                            a.getId(),
                            a.getAgentId(),
                            r.get(AGENT.NAME),
                            a.getSqlText(),
                            a.getParameters() == null ? null : Arrays.asList(a.getParameters()),
                            a.getUsesLeft(),
                            a.getUses(),
                            a.getValidUntil(),
                            a.getPolicy(),
                            a.getRule(),
                            a.getGrantedBy(),
                            a.getGrantedAt(),
                            a.getReason(),
                            a.getWithdrawnBy(),
                            a.getWithdrawnAt());
                });
    }

    private String agentName(UUID agent) {
        return db.select(AGENT.NAME).from(AGENT).where(AGENT.ID.eq(agent)).fetchOne(AGENT.NAME);
    }

    /** "12 s", "3 min 5 s". */
    static String inWords(Duration wait) {
        long seconds = Math.max(0, wait.toSeconds());
        return seconds < 60
                ? seconds + " s"
                : seconds / 60 + " min" + (seconds % 60 == 0 ? "" : " " + seconds % 60 + " s");
    }

    /** One request's course: "approved by a, b after 12 s: reason". */
    private String said(ApprovalRequestRecord r) {
        String waited = r.getClosedAt() == null
                ? ""
                : " after " + inWords(Duration.between(r.getRequestedAt(), r.getClosedAt()));
        String reason = r.getDecisionReason() == null ? "" : ": " + r.getDecisionReason();
        List<String> approvers = approvedBy(r.getId());
        String by = approvers.isEmpty() ? String.valueOf(r.getDecidedBy()) : String.join(", ", approvers);
        return switch (r.getState()) {
            case "released" -> "approved by " + by + waited + reason;
            case "used" -> "approved by " + by + " after it was refused in a transaction; ran on retry" + reason;
            case "denied" -> "denied by " + r.getDecidedBy() + waited + reason;
            case "expired" -> "nobody decided" + waited;
            case "withdrawn" -> "withdrawn (cancelled, or the client left)" + waited;
            default -> "approval " + r.getState();
        };
    }

    @Override
    public String path() {
        return "approvals";
    }

    /** How many requests the person signed in may decide now (and has not approved yet). */
    @Override
    @Transactional(readOnly = true)
    public int count() {
        Viewer v = viewer.get();
        if (!v.hasAnyRole()) {
            return 0;
        }
        return db.fetchCount(db.select(APPROVAL_REQUEST.ID)
                .from(APPROVAL_REQUEST)
                .join(AGENT)
                .on(AGENT.ID.eq(APPROVAL_REQUEST.AGENT_ID))
                .where(waiting())
                .and(decidableBy(v))
                .andNotExists(db.selectOne()
                        .from(APPROVAL_DECISION)
                        .where(APPROVAL_DECISION.REQUEST_ID.eq(APPROVAL_REQUEST.ID))
                        .and(APPROVAL_DECISION.DECIDED_BY.eq(v.name()))));
    }

    /**
     * Whether the person signed in may decide {@code request} now: as its rule says, and not after
     * approving it already.
     */
    public boolean mayDecide(Request request) {
        Viewer v = viewer.get();
        return mayDecide(v, request.approvers(), request.owner())
                && !request.approvedBy().contains(v.name());
    }

    /** Approves the request: once enough people have, the statement runs as it was sent. */
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
        String why = reason == null ? "" : reason.strip();
        if (why.length() > 1000 || why.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("a reason is at most 1000 characters of text");
        }
        // Locked: two people deciding at once are counted one after the other.
        var r = db.select(
                        AGENT.NAME,
                        AGENT.OWNER,
                        APPROVAL_REQUEST.ON_BEHALF_OF,
                        APPROVAL_REQUEST.APPROVERS,
                        APPROVAL_REQUEST.APPROVALS_NEEDED)
                .from(APPROVAL_REQUEST)
                .join(AGENT)
                .on(AGENT.ID.eq(APPROVAL_REQUEST.AGENT_ID))
                .where(APPROVAL_REQUEST.ID.eq(id))
                .and(waiting())
                .forUpdate()
                .of(APPROVAL_REQUEST)
                .fetchOne();
        if (r == null) {
            throw new IllegalStateException("this request was decided, expired or withdrawn meanwhile");
        }
        String agent = r.value1();
        Approvers approvers = Approvers.valueOf(r.value4().toUpperCase(java.util.Locale.ROOT));
        if (!mayDecide(v, approvers, r.value2())) {
            throw new AccessDeniedException(
                    approvers == Approvers.OWNER
                            ? "only the agent's owner decides what this rule sends for approval"
                            : "only approvers decide what waits for approval");
        }
        // Who it was made for, as the gateway filed it with the request.
        if (v.name().equals(r.value3()) || v.name().equals(agent)) {
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
        int mine = db.insertInto(APPROVAL_DECISION)
                .set(APPROVAL_DECISION.REQUEST_ID, id)
                .set(APPROVAL_DECISION.DECIDED_BY, v.name())
                .set(APPROVAL_DECISION.APPROVED, approve)
                .set(APPROVAL_DECISION.REASON, why)
                .set(APPROVAL_DECISION.DECIDED_AT, DSL.currentOffsetDateTime())
                .onConflictDoNothing()
                .execute();
        if (mine == 0) {
            throw new IllegalStateException("you have decided this request already: another person must");
        }
        int approvals = db.fetchCount(
                APPROVAL_DECISION, APPROVAL_DECISION.REQUEST_ID.eq(id).and(APPROVAL_DECISION.APPROVED));
        int needed = r.value5();
        // Before the decision commits: one the trail cannot take is rolled back, never made unrecorded.
        trail.record(
                v.name(),
                approve ? "approval.approve" : "approval.deny",
                "approval",
                id,
                agent,
                (why.isEmpty() ? (approve ? "approved" : "denied") : "reason: " + why)
                        + (approve && needed > 1 ? " (" + approvals + " of " + needed + " approvals)" : ""));
        if (approve && approvals < needed) {
            return; // it waits for more approvers
        }
        db.update(APPROVAL_REQUEST)
                .set(APPROVAL_REQUEST.STATE, approve ? "approved" : "denied")
                .set(APPROVAL_REQUEST.DECIDED_BY, v.name())
                .set(APPROVAL_REQUEST.DECIDED_AT, DSL.currentOffsetDateTime())
                .set(APPROVAL_REQUEST.DECISION_REASON, why.isEmpty() ? null : why)
                .where(APPROVAL_REQUEST.ID.eq(id))
                .execute();
    }

    /**
     * Administrators decide every request; otherwise as the rule says: approvers, or the agent's
     * owner.
     */
    private static boolean mayDecide(Viewer v, Approvers approvers, String owner) {
        return v.has(Role.ADMIN)
                || switch (approvers) {
                    case APPROVER -> v.has(Role.APPROVER);
                    case OWNER -> v.has(Role.OWNER) && v.name().equals(owner);
                };
    }

    /** The requests {@code v} may decide, as a condition over a request joined with its agent. */
    private static Condition decidableBy(Viewer v) {
        if (v.has(Role.ADMIN)) {
            return DSL.trueCondition();
        }
        Condition approver = v.has(Role.APPROVER) ? APPROVAL_REQUEST.APPROVERS.eq("approver") : DSL.falseCondition();
        Condition owner = v.has(Role.OWNER)
                ? APPROVAL_REQUEST.APPROVERS.eq("owner").and(AGENT.OWNER.eq(v.name()))
                : DSL.falseCondition();
        return approver.or(owner);
    }

    private static Condition waiting() {
        return APPROVAL_REQUEST.STATE.eq("pending").and(APPROVAL_REQUEST.EXPIRES_AT.gt(DSL.currentOffsetDateTime()));
    }

    private static Condition visibleTo(Viewer v) {
        return v.seesAllAgents() ? DSL.trueCondition() : AGENT.OWNER.eq(v.name());
    }
}
