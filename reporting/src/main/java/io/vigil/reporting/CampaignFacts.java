package io.vigil.reporting;

import java.time.Instant;
import java.util.UUID;

/**
 * A campaign as launched: what it covered, when, and under which rules.
 *
 * @param scope the definition's scope in words ("every agent", "targets: shop; tags: pci")
 * @param periodStart the start of the usage window its evidence covers
 * @param periodEnd the end of that window (the launch)
 * @param dueAt when the last stage's decisions were due
 * @param closedAt when it was closed after the sign-off, null while open
 * @param state review, sign-off or closed
 * @param stages 1, or 2 with a second stage
 * @param defaultDecision what an undecided item got at its stage's close
 */
public record CampaignFacts(
        UUID id,
        String name,
        String definition,
        String description,
        String scope,
        Instant periodStart,
        Instant periodEnd,
        Instant launchedAt,
        Instant dueAt,
        Instant closedAt,
        String state,
        int stages,
        String defaultDecision,
        String owner,
        String fallbackReviewer) {}
