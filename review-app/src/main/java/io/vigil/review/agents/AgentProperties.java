package io.vigil.review.agents;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Agents' secrets ({@code vigil.agents.*}).
 *
 * @param rotationOverlap how long an agent's earlier secret keeps working after a rotation, so a
 *     deployment can switch without an outage
 */
@ConfigurationProperties("vigil.agents")
public record AgentProperties(
        @DefaultValue("24h") Duration rotationOverlap,
        @DefaultValue("90d") Duration rotationAge) {}
