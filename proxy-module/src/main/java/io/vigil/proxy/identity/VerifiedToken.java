package io.vigil.proxy.identity;

/**
 * What a valid token says: which agent presents it, and on whose behalf and for what task it acts
 * (null when the token does not say).
 */
public record VerifiedToken(String agent, String onBehalfOf, String task) {}
