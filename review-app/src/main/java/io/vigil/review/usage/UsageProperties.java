package io.vigil.review.usage;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Usage evidence ({@code vigil.usage.*}).
 *
 * @param staleAfter an agent with no statement for this long is stale; a privilege unused for this
 *     long stands out
 * @param rollupInterval how often the trail is rolled up (the rollups are that current)
 * @param grantsRefresh how often every agent's privileges are read from its target
 * @param rotationAge a secret older than this is due for rotation
 */
@ConfigurationProperties("vigil.usage")
public record UsageProperties(
        @DefaultValue("30d") Duration staleAfter,
        @DefaultValue("30s") Duration rollupInterval,
        @DefaultValue("1h") Duration grantsRefresh,
        @DefaultValue("90d") Duration rotationAge) {}
