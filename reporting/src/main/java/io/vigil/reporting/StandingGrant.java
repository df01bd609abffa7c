package io.vigil.reporting;

import java.time.Instant;

/**
 * A statement of an agent under review an administrator approved ahead of time, in force at some
 * time in the period: it ran without a person being asked each time.
 *
 * @param terms its bounds in words ("3 runs left, until ..., any values")
 * @param uses how many times it ran
 * @param withdrawn who withdrew it and when, in words; "" if it was not withdrawn
 */
public record StandingGrant(
        String agent,
        String statement,
        String policy,
        String rule,
        String terms,
        int uses,
        String grantedBy,
        Instant grantedAt,
        String reason,
        String withdrawn) {}
