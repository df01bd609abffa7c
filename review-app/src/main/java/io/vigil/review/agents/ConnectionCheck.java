package io.vigil.review.agents;

/**
 * What testing a target's connection found.
 *
 * @param message the server's version and the role Vigil got in as, or why it could not get in
 */
public record ConnectionCheck(boolean ok, String message) {}
