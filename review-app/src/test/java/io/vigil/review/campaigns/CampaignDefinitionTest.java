package io.vigil.review.campaigns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CampaignDefinitionTest {

    /** A definition with one setting changed: {@code field=value} (see {@link #with}). */
    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "schedule=every quarter | the schedule is a Quartz cron expression",
                "schedule=0 0 6 1 1/3 * * | the schedule is a Quartz cron expression",
                "zone=Mars/Olympus | unknown time zone",
                "review=0 | the review period must be longer than zero",
                "inactive=-1 | the inactivity period must be longer than zero",
                "sensitive=public.orders; drop | a sensitive relation is schema.table",
                "sensitive=orders | a sensitive relation is schema.table",
                "tag=Not A Tag | a tag is lower-case",
                "fallback= | the fallback reviewer is required",
                "second=security | choose which first-stage decisions the second stage reviews",
                "default=approve | the default decision is none, revoke or recommendation",
                "owner=a\tb | the campaign owner is required",
                "name= | name is required"
            })
    void refusesWhatCouldNotBeScheduledOrRun(String change, String message) {
        assertThatThrownBy(() -> with(change))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }

    @Test
    void aValidDefinitionKeepsItsSettingsAndDropsAnUnusedSecondStage() {
        CampaignDefinition d = with("name=  Quarterly  ");
        assertThat(d.name()).isEqualTo("Quarterly");
        assertThat(d.twoStages()).isFalse();
        assertThat(d.secondReview()).isNull();
        assertThat(with("secondFull=security").twoStages()).isTrue();
    }

    static CampaignDefinition with(String change) {
        String[] kv = change.split("=", 2);
        String value = kv.length > 1 ? kv[1] : "";
        UnaryOperator<String> v = field -> kv[0].equals(field) ? value : null;
        return new CampaignDefinition(
                null,
                v.apply("name") != null ? v.apply("name") : "Quarterly",
                "",
                List.of(),
                List.of(),
                v.apply("tag") != null ? List.of(value) : List.of(),
                v.apply("schedule") != null ? value : CampaignDefinition.QUARTERLY,
                v.apply("zone") != null ? value : "UTC",
                Duration.ofDays(v.apply("review") != null ? Long.parseLong(value) : 14),
                Duration.ofDays(90),
                Duration.ofDays(v.apply("inactive") != null ? Long.parseLong(value) : 30),
                v.apply("sensitive") != null ? List.of(value) : List.of(),
                v.apply("fallback") != null ? value : "admin",
                List.of(Duration.ofDays(7)),
                Duration.ofDays(3),
                v.apply("second") != null ? value : v.apply("secondFull"),
                v.apply("second") != null || v.apply("secondFull") != null ? Duration.ofDays(7) : null,
                v.apply("secondFull") != null ? List.of("revoke") : List.of(),
                v.apply("default") != null ? value : "none",
                v.apply("owner") != null ? value : "admin",
                true);
    }
}
