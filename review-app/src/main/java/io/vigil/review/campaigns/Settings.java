package io.vigil.review.campaigns;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A definition as a campaign launched it, kept with the campaign as JSON: editing the definition
 * later changes the next campaign, never one under way.
 */
final class Settings {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private Settings() {}

    static String json(CampaignDefinition d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("definition", d.id().toString());
        m.put("name", d.name());
        m.put("scope_targets", d.scopeTargets().stream().map(Object::toString).toList());
        m.put("scope_owners", d.scopeOwners());
        m.put("scope_tags", d.scopeTags());
        m.put("schedule", d.schedule());
        m.put("time_zone", d.timeZone());
        m.put("review_seconds", d.review().toSeconds());
        m.put("lookback_seconds", d.lookback().toSeconds());
        m.put("inactive_seconds", d.inactive().toSeconds());
        m.put("sensitive_relations", d.sensitiveRelations());
        m.put("fallback_reviewer", d.fallbackReviewer());
        m.put(
                "reminder_seconds",
                d.reminders().stream().map(Duration::toSeconds).toList());
        m.put("escalation_seconds", d.escalation().toSeconds());
        m.put("second_reviewer", d.secondReviewer());
        m.put(
                "second_review_seconds",
                d.secondReview() == null ? null : d.secondReview().toSeconds());
        m.put("second_stage_for", d.secondStageFor());
        m.put("default_decision", d.defaultDecision());
        m.put("owner", d.owner());
        return JSON.writeValueAsString(m);
    }

    /** The launched settings a running campaign follows. */
    record Launched(
            String fallbackReviewer,
            java.util.List<Duration> reminders,
            Duration escalation,
            String secondReviewer,
            Duration secondReview,
            java.util.List<String> secondStageFor,
            String defaultDecision,
            String owner) {

        boolean twoStages() {
            return secondReviewer != null;
        }
    }

    static Launched read(String json) {
        JsonNode n = JSON.readTree(json);
        java.util.List<Duration> reminders = new java.util.ArrayList<>();
        n.path("reminder_seconds").forEach(r -> reminders.add(Duration.ofSeconds(r.asLong())));
        java.util.List<String> secondFor = new java.util.ArrayList<>();
        n.path("second_stage_for").forEach(r -> secondFor.add(r.asString()));
        JsonNode second = n.path("second_reviewer");
        return new Launched(
                n.path("fallback_reviewer").asString(),
                reminders,
                Duration.ofSeconds(n.path("escalation_seconds").asLong()),
                second.isNull() || second.isMissingNode() ? null : second.asString(),
                n.path("second_review_seconds").isNull()
                        ? null
                        : Duration.ofSeconds(n.path("second_review_seconds").asLong()),
                secondFor,
                n.path("default_decision").asString(),
                n.path("owner").asString());
    }
}
