package io.vigil.proxy.policy;

import java.time.Duration;

/**
 * How the statements a review rule matches are approved.
 *
 * @param by who may decide
 * @param distinct how many different people must approve before it runs (one denial denies)
 * @param within how long it waits for a decision; null: the gateway's limit (5 minutes unless set)
 * @param countRows whether Vigil may count the rows an UPDATE or DELETE would change, for the
 *     approver, by running it in a transaction rolled back at once (it takes the rows' locks for up
 *     to two seconds)
 */
public record ApprovalTerms(Approvers by, int distinct, Duration within, boolean countRows) {

    /** The most approvers a rule may ask for. */
    public static final int MAX_DISTINCT = 5;

    /** The shortest and longest time a rule may give a person to decide. */
    public static final Duration SHORTEST = Duration.ofSeconds(30);

    public static final Duration LONGEST = Duration.ofHours(24);

    /** What a review rule without terms gets: one approver, the gateway's limit, no count. */
    public static final ApprovalTerms DEFAULT = new ApprovalTerms(Approvers.APPROVER, 1, null, false);

    public ApprovalTerms {
        if (distinct < 1 || distinct > MAX_DISTINCT) {
            throw new IllegalArgumentException("from 1 to " + MAX_DISTINCT + " approvers, not " + distinct);
        }
        if (by == Approvers.OWNER && distinct != 1) {
            throw new IllegalArgumentException("an agent has one owner: distinct approvers need by = approver");
        }
        if (within != null && (within.compareTo(SHORTEST) < 0 || within.compareTo(LONGEST) > 0)) {
            throw new IllegalArgumentException(
                    "within is from 30 seconds to 24 hours, not " + within.toSeconds() + " s");
        }
    }

    /**
     * The stricter of two rules' terms, for a statement both send for review: more approvers, the
     * owner over any approver (unless more than one approver is asked for: then approvers), the
     * shorter time, and counting rows if either counts.
     */
    public static ApprovalTerms strictest(ApprovalTerms a, ApprovalTerms b) {
        int distinct = Math.max(a.distinct(), b.distinct());
        Approvers by = distinct == 1 && (a.by() == Approvers.OWNER || b.by() == Approvers.OWNER)
                ? Approvers.OWNER
                : Approvers.APPROVER;
        Duration within = a.within() == null
                ? b.within()
                : b.within() == null ? a.within() : a.within().compareTo(b.within()) <= 0 ? a.within() : b.within();
        return new ApprovalTerms(by, distinct, within, a.countRows() || b.countRows());
    }

    /** Who may decide on a request. */
    public enum Approvers {
        /** Anyone with the approver role (or an administrator); the agent's owner sees the request. */
        APPROVER,
        /** The agent's owner only (or an administrator). */
        OWNER
    }
}
