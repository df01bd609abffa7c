package io.vigil.review.campaigns;

import java.util.UUID;

/** Published when a campaign's owner signs it off and it closes (after the change commits). */
public record CampaignClosed(UUID campaignId, String name) {}
