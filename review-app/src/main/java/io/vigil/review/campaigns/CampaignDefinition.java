package io.vigil.review.campaigns;

import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.quartz.CronExpression;

/**
 * What a campaign reviews, when, by whom, and what silence means. Checked when made, so a stored
 * definition is always one Quartz can schedule and a launch can run.
 *
 * @param scopeTargets agents of these targets (empty: any); likewise owners and tags (an agent with
 *     any of the tags); an agent must match every list that is not empty
 * @param schedule a Quartz cron expression (seconds first), in {@code timeZone}
 * @param review how long stage one runs until its decisions are due
 * @param lookback the usage window the evidence covers, ending at launch
 * @param inactive no statement for this long: the recommendation is to revoke
 * @param sensitiveRelations {@code schema.table} patterns ({@code *} for any characters) whose first
 *     use is unusual
 * @param reminders before the due date, each a reminder to reviewers with undecided items
 * @param escalation after the due date, undecided items go to the fallback reviewer for this long;
 *     then the stage closes
 * @param secondReviewer the second stage's reviewer (null: one stage), who reviews the items whose
 *     first-stage decision is in {@code secondStageFor}
 * @param defaultDecision what an undecided item gets when its stage closes: none, revoke, or the
 *     recommendation
 * @param owner signs the campaign off
 */
public record CampaignDefinition(
        UUID id,
        String name,
        String description,
        List<UUID> scopeTargets,
        List<String> scopeOwners,
        List<String> scopeTags,
        String schedule,
        String timeZone,
        Duration review,
        Duration lookback,
        Duration inactive,
        List<String> sensitiveRelations,
        String fallbackReviewer,
        List<Duration> reminders,
        Duration escalation,
        String secondReviewer,
        Duration secondReview,
        List<String> secondStageFor,
        String defaultDecision,
        String owner,
        boolean enabled) {

    /** Quarterly: 06:00 on the first day of January, April, July and October. */
    public static final String QUARTERLY = "0 0 6 1 1/3 ? *";

    static final Set<String> DEFAULT_DECISIONS = Set.of("none", "revoke", "recommendation");
    static final Set<String> DECISIONS = Set.of("attest", "revoke", "reduce", "flag");

    private static final Pattern RELATION_PATTERN = Pattern.compile("[A-Za-z0-9_$*]+\\.[A-Za-z0-9_$*]+");
    private static final Pattern TAG = Pattern.compile("[a-z0-9][a-z0-9_.:-]{0,62}");
    private static final int MAX_TEXT = 200;

    public CampaignDefinition {
        name = text("name", name, 120);
        description = description == null ? "" : description.strip();
        if (description.length() > 2000) {
            throw new IllegalArgumentException("a description has at most 2000 characters");
        }
        scopeTargets = List.copyOf(scopeTargets);
        scopeOwners =
                scopeOwners.stream().map(o -> text("an owner", o, MAX_TEXT)).toList();
        scopeTags = List.copyOf(scopeTags);
        for (String tag : scopeTags) {
            if (!TAG.matcher(tag).matches()) {
                throw new IllegalArgumentException("a tag is lower-case letters, digits and _ . : -: " + tag);
            }
        }
        if (schedule == null || !CronExpression.isValidExpression(schedule.strip())) {
            throw new IllegalArgumentException(
                    "the schedule is a Quartz cron expression, seconds first (quarterly: " + QUARTERLY + ")");
        }
        schedule = schedule.strip();
        try {
            ZoneId.of(timeZone);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("unknown time zone " + timeZone);
        }
        positive("the review period", review);
        positive("the usage window", lookback);
        positive("the inactivity period", inactive);
        sensitiveRelations = List.copyOf(sensitiveRelations);
        for (String pattern : sensitiveRelations) {
            if (!RELATION_PATTERN.matcher(pattern).matches()) {
                throw new IllegalArgumentException(
                        "a sensitive relation is schema.table, with * for any characters: " + pattern);
            }
        }
        fallbackReviewer = text("the fallback reviewer", fallbackReviewer, MAX_TEXT);
        reminders = List.copyOf(reminders);
        for (Duration reminder : reminders) {
            positive("a reminder", reminder);
        }
        if (escalation == null || escalation.isNegative()) {
            throw new IllegalArgumentException("the escalation period is zero or more");
        }
        if (secondReviewer != null && secondReviewer.isBlank()) {
            secondReviewer = null;
        }
        if (secondReviewer != null) {
            secondReviewer = text("the second-stage reviewer", secondReviewer, MAX_TEXT);
            positive("the second stage", secondReview);
            if (secondStageFor.isEmpty() || !DECISIONS.containsAll(secondStageFor)) {
                throw new IllegalArgumentException("choose which first-stage decisions the second stage reviews");
            }
        } else {
            secondReview = null;
            secondStageFor = List.of();
        }
        secondStageFor = List.copyOf(secondStageFor);
        if (!DEFAULT_DECISIONS.contains(defaultDecision)) {
            throw new IllegalArgumentException("the default decision is none, revoke or recommendation");
        }
        owner = text("the campaign owner", owner, MAX_TEXT);
    }

    boolean twoStages() {
        return secondReviewer != null;
    }

    private static String text(String what, String value, int max) {
        if (value == null
                || value.isBlank()
                || value.strip().length() > max
                || value.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException(what + " is required (at most " + max + " characters)");
        }
        return value.strip();
    }

    private static void positive(String what, Duration d) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(what + " must be longer than zero");
        }
    }
}
