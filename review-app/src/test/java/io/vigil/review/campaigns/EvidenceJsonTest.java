package io.vigil.review.campaigns;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.review.usage.Grant;
import java.time.OffsetDateTime;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class EvidenceJsonTest {

    static final OffsetDateTime T = OffsetDateTime.parse("2026-10-01T08:00:00.123456+02:00");

    final Evidence evidence = new Evidence(
            T.minusDays(100),
            T.minusHours(3),
            42,
            1,
            2,
            List.of(new Grant("table", "public.orders", "SELECT", "direct")),
            List.of(new RelationUse("orders", "select", 40, T.minusDays(200), T.minusHours(3))));

    @Test
    void writesTheSameTextEveryTimeInUtcAndReadsItBack() {
        String json = EvidenceJson.write(evidence, T.minusDays(90), T);
        assertThat(json).isEqualTo(EvidenceJson.write(evidence, T.minusDays(90), T));
        assertThat(json)
                .startsWith(
                        "{\"period_start\":\"2026-07-03T06:00:00.123456Z\",\"period_end\":\"2026-10-01T06:00:00.123456Z\"");
        Evidence back = EvidenceJson.read(json);
        assertThat(back.grants()).isEqualTo(evidence.grants());
        assertThat(back.usage().getFirst().statements()).isEqualTo(40);
        assertThat(back.lastActivity().toInstant())
                .isEqualTo(evidence.lastActivity().toInstant());
        assertThat(back.usage().getFirst().firstAt().toInstant())
                .isEqualTo(T.minusDays(200).toInstant());
        assertThat(back.ddl()).isEqualTo(1);
    }

    @Test
    void thePolicyVersionsInForceSurviveAndOlderEvidenceHasNone() {
        Evidence judged =
                new Evidence(T, T, 3, 0, 1, List.of(), List.of(), T, null, List.of("baseline v2", "export v1"));
        assertThat(EvidenceJson.read(EvidenceJson.write(judged, T, T)).policies())
                .containsExactly("baseline v2", "export v1");
        String older = EvidenceJson.write(evidence, T, T).replace(",\"policies\":[]", "");
        assertThat(older).doesNotContain("policies");
        assertThat(EvidenceJson.read(older).policies()).isEmpty();
    }

    @Test
    void aNeverActiveAgentHasNoLastActivity() {
        Evidence idle = new Evidence(T, null, 0, 0, 0, List.of(), List.of());
        assertThat(EvidenceJson.read(EvidenceJson.write(idle, T, T)).lastActivity())
                .isNull();
    }

    @Test
    void theHashIsSha256OfTheUtf8Text() {
        assertThat(HexFormat.of().formatHex(EvidenceJson.sha256("abc")))
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }
}
