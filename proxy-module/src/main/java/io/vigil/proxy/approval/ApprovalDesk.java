package io.vigil.proxy.approval;

import io.vigil.proxy.policy.ApprovalTerms;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Where the gateway files requests for approval and reads the decisions: Vigil's store. Blocking. */
public interface ApprovalDesk {

    /** Files {@code request}; returns once the store has it. */
    void file(Request request);

    /** The decisions made on those of {@code pending} that a person has decided. */
    Map<UUID, Decision> decisions(Collection<UUID> pending);

    /**
     * Says what the gateway did with a request: {@link Outcome#RELEASED} after an approval, {@link
     * Outcome#REFUSED} after a denial, {@link Outcome#USED} or {@link Outcome#LAPSED} for an
     * approval given after the statement was refused at once, or why it never got one.
     *
     * @return false if it was to expire or be withdrawn but a person decided first (the decision
     *     stands; the caller acts on it instead), or if an approval to be used or to lapse was not
     *     (or no longer) there
     */
    boolean close(UUID request, Outcome outcome, Instant at, Long statementSeq);

    /**
     * A statement waiting for a person.
     *
     * @param onBehalfOf the person the agent's token says it acts for, "" if none (nobody approves
     *     their own)
     * @param sql the statement as sent (one whose text holds a secret is never held)
     * @param parameters its bound values as recorded, null if none or only their hash is kept
     * @param binding what an approval is for: SHA-256 over the agent, the text, the values and the
     *     session's state
     * @param held whether it waits in the live session (else it was refused at once, inside a
     *     transaction, and runs on retry once approved)
     * @param approvers who may decide, as the rule says
     * @param approvalsNeeded how many different people must approve it
     */
    record Request(
            UUID id,
            UUID sessionId,
            UUID agentId,
            UUID targetId,
            String onBehalfOf,
            String task,
            String policy,
            long policyVersion,
            String rule,
            String ruleMessage,
            String sql,
            List<String> parameters,
            String binding,
            boolean held,
            Instant requestedAt,
            Instant expiresAt,
            ApprovalTerms.Approvers approvers,
            int approvalsNeeded) {

        /** How long it may wait for a decision. */
        public java.time.Duration limit() {
            return java.time.Duration.between(requestedAt, expiresAt);
        }
    }

    /** The standing approvals in force now: not withdrawn, not used up, not past their time. */
    List<StandingApprovals.Standing> standing(Instant now);

    /**
     * Counts one use of a standing approval.
     *
     * @return false if it was used up or withdrawn meanwhile (another gateway used its last run)
     */
    boolean usedStanding(UUID standing);

    /**
     * An approval given after a refusal was used: statement {@code seq} of session {@code session}
     * ran under it.
     *
     * @return false if it was no longer approved (used or lapsed already)
     */
    boolean used(UUID request, UUID session, long seq, Instant at);

    /** Links a closed request to the statement it became in its session's trail. */
    void linked(UUID request, long statementSeq);

    /**
     * Keeps what Vigil measured of a held statement for its approver (see {@link Measure}). After
     * the request's filing.
     */
    void measured(UUID request, Measure measure);

    /**
     * What a statement would do, measured while it waits.
     *
     * @param plan EXPLAIN's plan as the agent's role, with its values; null if not planned
     * @param estimatedRows the planner's estimate of the rows it reads or changes; null if unknown
     * @param exactRows the rows it would change, counted by running it in a transaction rolled back at
     *     once; null if not counted
     * @param note why a figure is missing, "" if none is
     */
    record Measure(String plan, Long estimatedRows, Long exactRows, String note) {}

    /** A person's decision. */
    record Decision(boolean approved, String by, String reason) {}

    /** What became of a request in the gateway. */
    enum Outcome {
        /** Approved, and the statement went to the target. */
        RELEASED,
        /** Denied by a person: the agent was told why. */
        REFUSED,
        /** Nobody decided within the rule's time: denied, saying so. */
        EXPIRED,
        /** The client cancelled it, left, or the session was ended. */
        WITHDRAWN,
        /** Approved after it was refused at once (inside a transaction): the agent's retry ran it. */
        USED,
        /** Approved after it was refused at once, and not sent again while the approval held. */
        LAPSED
    }
}
