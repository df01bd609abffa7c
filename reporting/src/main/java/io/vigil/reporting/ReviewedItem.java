package io.vigil.reporting;

import java.time.Instant;
import java.util.List;

/**
 * One agent under review, from the frozen evidence to the verified remediation.
 *
 * @param agentId the agent's id (the population is ordered and hashed by it)
 * @param grants its privileges on the target as of launch, one per line ("SELECT on public.orders")
 * @param usage what it did in the period, in words
 * @param evidenceHash SHA-256 of the evidence as frozen at launch, hex
 * @param evidenceMatches whether the stored evidence still hashes to {@code evidenceHash} (the
 *     grants and usage shown are what was frozen)
 * @param assignedReviewer who was to decide at launch
 * @param reviewer who was to decide last (after escalation or in a second stage)
 * @param decision attest, revoke, reduce or flag; null when nobody decided and there was no default
 * @param decidedBy who acted (null when defaulted or undecided)
 * @param bulk decided together with other items, with one justification
 * @param defaulted the decision is the definition's default, not a person's
 * @param overdue the assigned reviewer did not decide by the due date (escalated or defaulted)
 * @param firstDecision the first stage's decision when the item went to a second stage, else null
 * @param sodRefusals decisions refused on this item by separation of duties, in words; empty if none
 */
public record ReviewedItem(
        String agentId,
        String agent,
        String owner,
        String target,
        String upstreamRole,
        List<String> grants,
        String usage,
        String evidenceHash,
        boolean evidenceMatches,
        String recommendation,
        String recommendationReason,
        String assignedReviewer,
        String reviewer,
        String decision,
        String justification,
        String decidedBy,
        Instant decidedAt,
        boolean bulk,
        boolean defaulted,
        boolean overdue,
        int stage,
        String firstDecision,
        String firstDecidedBy,
        List<String> sodRefusals,
        Remediation remediation) {

    public ReviewedItem {
        grants = List.copyOf(grants);
        sodRefusals = List.copyOf(sodRefusals);
    }

    /**
     * What the final decision changed on the target.
     *
     * @param status none (nothing to do), pending, running, verified or failed
     * @param statements the exact statements run on the target, in order
     * @param detail what was done and seen, including the verification
     * @param at when it finished (verified or failed), null before
     */
    public record Remediation(String status, List<String> statements, String detail, Instant at) {

        public static final Remediation NONE = new Remediation("none", List.of(), "", null);

        public Remediation {
            statements = List.copyOf(statements);
        }

        public boolean needed() {
            return !status.equals("none");
        }
    }
}
