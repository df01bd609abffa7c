package io.vigil.reporting;

import java.time.Instant;

/**
 * One decision as it was made, including those later changed, defaulted and refused.
 *
 * @param campaign the campaign's name (an agent's history spans campaigns)
 * @param refused why separation of duties refused it; null when it was accepted
 */
public record DecisionEvent(
        String campaign,
        String agent,
        int stage,
        String decision,
        String justification,
        String decidedBy,
        Instant decidedAt,
        boolean bulk,
        String refused) {}
