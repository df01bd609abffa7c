package io.vigil.review.campaigns;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/** One agent under review, as a reviewer, the campaign's owner or an auditor sees it. */
public record ReviewItem(
        UUID id,
        UUID campaignId,
        String campaign,
        UUID agentId,
        String agent,
        String owner,
        String target,
        String upstreamRole,
        boolean ownRole,
        Evidence evidence,
        String evidenceHash,
        String recommendation,
        String recommendationReason,
        List<String> reduceStatements,
        int stage,
        String reviewer,
        String reviewerReason,
        String decision,
        String justification,
        String decidedBy,
        OffsetDateTime decidedAt,
        boolean bulk,
        boolean defaulted,
        String firstDecision,
        String firstDecidedBy,
        String remediation,
        String remediationDetail,
        OffsetDateTime dueAt,
        boolean overdue) {

    public boolean decided() {
        return decision != null;
    }
}
