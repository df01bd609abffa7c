package io.vigil.reporting;

import java.time.Instant;
import java.util.List;

/**
 * One agent across every campaign that reviewed it.
 *
 * @param agent its name in the newest review, null if it was never reviewed
 * @param reviews one per campaign, oldest first
 * @param decisions every decision ever made on it, in the order made (refused ones too)
 */
public record AgentHistory(
        String agentId, String agent, List<Review> reviews, List<DecisionEvent> decisions, Instant generatedAt) {

    public AgentHistory {
        reviews = List.copyOf(reviews);
        decisions = List.copyOf(decisions);
    }

    /** How one campaign ended for the agent. */
    public record Review(
            String campaign,
            Instant launchedAt,
            String agent,
            String owner,
            String recommendation,
            String recommendationReason,
            String decision,
            String decidedBy,
            Instant decidedAt,
            boolean defaulted,
            String remediation) {}
}
