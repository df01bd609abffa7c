package io.vigil.review;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static io.vigil.db.jooq.Tables.CAMPAIGN;
import static io.vigil.db.jooq.Tables.CAMPAIGN_ITEM;
import static io.vigil.db.jooq.Tables.PERSON;
import static io.vigil.db.jooq.Tables.TARGET;

import com.microsoft.playwright.Page;
import io.vigil.review.agents.AgentService;
import io.vigil.review.agents.NewAgent;
import io.vigil.review.campaigns.CampaignDefinition;
import io.vigil.review.campaigns.DefinitionService;
import io.vigil.review.security.Role;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * An owner works through their worklist in the browser: picks two agents and attests them in one
 * go with one justification, then revokes a third, which is refused until they say why.
 */
class ReviewsPageIT extends DemoStack {

    static final String S = Long.toString(System.nanoTime() % 100_000);

    @Autowired
    AgentService agentService;

    @Autowired
    DefinitionService definitions;

    @Test
    void anOwnerAttestsTwoAgentsInBulkAndRevokesAThirdWithAJustification() throws Exception {
        UUID shop = store.select(TARGET.ID)
                .from(TARGET)
                .where(TARGET.NAME.eq("shop"))
                .fetchSingle(TARGET.ID);
        signIn("admin", Role.ADMIN);
        for (String n : List.of("a", "b", "c")) {
            agentService.create(new NewAgent(name(n), "owner", "worklist test agent", shop, null, null, false));
        }
        CampaignDefinition d = definitions.create(new CampaignDefinition(
                null,
                "Worklist " + S,
                "",
                List.of(),
                List.of("owner"),
                List.of(),
                CampaignDefinition.QUARTERLY,
                "UTC",
                Duration.ofDays(14),
                Duration.ofDays(90),
                Duration.ofDays(30),
                List.of(),
                "admin",
                List.of(Duration.ofDays(7)),
                Duration.ofDays(3),
                null,
                null,
                List.of(),
                "none",
                "admin",
                true));
        definitions.launchNow(d.id());
        signOut();
        awaitLaunch(d.id());

        try (Page page = signedIn("owner", Role.OWNER)) {
            page.navigate(BASE_URL + "/reviews");
            page.locator("#worklist-search input").fill("wl-" + S);
            assertThat(page.locator("#worklist")).containsText(name("c"));
            page.locator("#pick-" + name("a")).click();
            page.locator("#pick-" + name("b")).click();
            assertThat(page.locator("#picked")).containsText("2 picked");
            page.locator("#justification textarea").fill("Both still serve the support desk every day.");
            page.locator("#decide-attest").click();
            assertThat(page.locator("#decision-" + name("a"))).hasText("Attest");
            assertThat(page.locator("#decision-" + name("b"))).hasText("Attest");

            page.locator("#pick-" + name("c")).click();
            page.locator("#decide-revoke").click();
            // the notification's text shows in its card, in the overlay
            assertThat(page.locator("vaadin-notification-card[theme~=error]")).containsText("say why");
            assertThat(page.locator("#decision-" + name("c"))).hasCount(0);
            page.locator("#justification textarea").fill("Retired with the old ticket system.");
            page.locator("#decide-revoke").click();
            assertThat(page.locator("#decision-" + name("c"))).hasText("Revoke");
        }
        // Signing in is seen: where reminders go comes from the provider's verified address.
        org.assertj.core.api.Assertions.assertThat(store.select(PERSON.SEEN_AT, PERSON.EMAIL)
                        .from(PERSON)
                        .where(PERSON.LOGIN.eq("owner"))
                        .fetchOne())
                .satisfies(r -> {
                    org.assertj.core.api.Assertions.assertThat(r.value1()).isNotNull();
                    org.assertj.core.api.Assertions.assertThat(r.value2()).isEqualTo("owner@vigil.example");
                });

        Map<String, String> decided = store.select(
                        CAMPAIGN_ITEM.AGENT_NAME,
                        CAMPAIGN_ITEM
                                .DECISION
                                .concat("/")
                                .concat(CAMPAIGN_ITEM.DECIDED_BY)
                                .concat("/")
                                .concat(CAMPAIGN_ITEM.BULK.cast(String.class))
                                .concat("/")
                                .concat(CAMPAIGN_ITEM.JUSTIFICATION))
                .from(CAMPAIGN_ITEM)
                .join(CAMPAIGN)
                .on(CAMPAIGN.ID.eq(CAMPAIGN_ITEM.CAMPAIGN_ID))
                .where(CAMPAIGN.DEFINITION_ID.eq(d.id()))
                .and(CAMPAIGN_ITEM.AGENT_NAME.like("wl-" + S + "-%"))
                .fetchMap(r -> r.value1(), r -> r.value2());
        org.assertj.core.api.Assertions.assertThat(decided)
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        name("a"), "attest/owner/true/Both still serve the support desk every day.",
                        name("b"), "attest/owner/true/Both still serve the support desk every day.",
                        name("c"), "revoke/owner/false/Retired with the old ticket system."));
    }

    static String name(String n) {
        return "wl-" + S + "-" + n;
    }
}
