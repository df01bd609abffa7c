package io.vigil.review.campaigns;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Campaigns ({@code vigil.campaigns.*}); the mail server itself is {@code spring.mail.*}.
 *
 * @param mailFrom the sender of reminders and escalations
 * @param remediationWait how long a revocation waits for the gateway to end the agent's live
 *     sessions before it says it could not verify that
 * @param privilegesMaxAge a launch reads again the privileges of every agent in scope last read
 *     longer ago than this; an agent whose privileges still cannot be read is flagged, never attested
 */
@ConfigurationProperties("vigil.campaigns")
public record CampaignProperties(
        @DefaultValue("vigil@localhost") String mailFrom,
        @DefaultValue("5s") Duration remediationWait,
        @DefaultValue("1h") Duration privilegesMaxAge) {}
