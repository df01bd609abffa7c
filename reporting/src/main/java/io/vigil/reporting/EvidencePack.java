package io.vigil.reporting;

import java.time.Instant;
import java.util.List;

/**
 * Everything an evidence pack says about one campaign; its items and decisions stream.
 *
 * @param items in population order (agent id)
 * @param decisions every decision made in the campaign, in the order made
 * @param approvals the population's statements a person was asked to approve in the period, oldest
 *     first
 * @param standing the population's standing approvals in force at some time in the period
 */
public record EvidencePack(
        CampaignFacts campaign,
        List<Control> controls,
        Population population,
        Rows<ReviewedItem> items,
        Rows<DecisionEvent> decisions,
        Rows<ApprovalEvent> approvals,
        List<StandingGrant> standing,
        SignOff signOff,
        TrailCheck trail,
        Instant generatedAt,
        String generatedBy) {

    public EvidencePack {
        controls = List.copyOf(controls);
        standing = List.copyOf(standing);
    }
}
