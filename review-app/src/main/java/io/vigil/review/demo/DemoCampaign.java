package io.vigil.review.demo;

import io.vigil.review.campaigns.CampaignDefinition;
import io.vigil.review.campaigns.CampaignService;
import io.vigil.review.campaigns.DefinitionService;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.stereotype.Component;

/**
 * The demo's access review: a quarterly definition over every agent, and on the first start one
 * campaign launched at once (after the demo traffic is rolled up), so the owner has a worklist and
 * the admin a campaign to follow. Vigil acts as an administrator here, under its own name.
 */
@Component
@ConditionalOnBooleanProperty(name = "vigil.demo-campaign", matchIfMissing = true)
@ConditionalOnBooleanProperty("vigil.demo")
class DemoCampaign {

    static final String NAME = "Quarterly agent access review";

    private final DefinitionService definitions;
    private final CampaignService campaigns;

    DemoCampaign(DefinitionService definitions, CampaignService campaigns) {
        this.definitions = definitions;
        this.campaigns = campaigns;
    }

    /** Creates the definition and launches its first campaign, unless the demo did so before. */
    void ensure() {
        AsVigil.run(this::defineAndLaunch);
    }

    private void defineAndLaunch() {
        if (definitions.definitions().stream().anyMatch(d -> d.name().equals(NAME))) {
            return;
        }
        CampaignDefinition d = definitions.create(new CampaignDefinition(
                null,
                NAME,
                "Every agent, every quarter: owners attest, revoke or flag; security reviews revocations.",
                List.of(),
                List.of(),
                List.of(),
                CampaignDefinition.QUARTERLY,
                "UTC",
                Duration.ofDays(14),
                Duration.ofDays(90),
                Duration.ofDays(30),
                List.of("public.payments", "public.customers"),
                "admin",
                List.of(Duration.ofDays(7), Duration.ofDays(2)),
                Duration.ofDays(3),
                null,
                null,
                List.of(),
                "none",
                "admin",
                true));
        if (campaigns.campaigns().isEmpty()) {
            definitions.launchNow(d.id());
        }
    }
}
