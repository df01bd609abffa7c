package io.vigil.review.campaigns;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A campaign's state and progress.
 *
 * @param byDecision decided items per decision (including default ones)
 * @param reviewers progress per reviewer in the current stage
 * @param remediation items per remediation state (pending, verified, failed)
 */
public record CampaignSummary(
        UUID id,
        String name,
        String state,
        int stage,
        OffsetDateTime launchedAt,
        OffsetDateTime periodStart,
        OffsetDateTime periodEnd,
        OffsetDateTime dueAt,
        OffsetDateTime closesAt,
        int items,
        int decided,
        int overdue,
        String populationHash,
        String owner,
        String signedOffBy,
        OffsetDateTime signedOffAt,
        String signOffNote,
        Map<String, Integer> byDecision,
        List<ReviewerProgress> reviewers,
        Map<String, Integer> remediation) {

    /** One reviewer's items in the current stage. */
    public record ReviewerProgress(String reviewer, int items, int decided, int overdue) {}

    public int percentDone() {
        return items == 0 ? 100 : decided * 100 / items;
    }
}
