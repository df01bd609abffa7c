package io.vigil.review;

import static io.vigil.db.jooq.Tables.CAMPAIGN;
import static io.vigil.db.jooq.Tables.CAMPAIGN_ITEM;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Page;
import io.vigil.review.agents.AgentService;
import io.vigil.review.agents.CreatedAgent;
import io.vigil.review.agents.NewAgent;
import io.vigil.review.campaigns.CampaignDefinition;
import io.vigil.review.campaigns.DefinitionService;
import io.vigil.review.security.Role;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A launch freezes privileges read fresh from the target: an agent whose privileges were never
 * read is read at launch, and one whose privileges cannot be read is flagged "privileges unknown",
 * with why, never attested on an empty list.
 */
class CampaignLaunchIT extends DemoStack {

    static final String S = Long.toString(System.nanoTime() % 100_000);

    @Autowired
    AgentService agentService;

    @Autowired
    DefinitionService definitions;

    @Test
    void privilegesAreReadAtLaunchAndAnAgentWhosePrivilegesCannotBeReadIsFlagged() throws Exception {
        String readable = "launch_readable_" + S;
        try (Connection c = postgres.superuserDataSource("shop").getConnection();
                Statement s = c.createStatement()) {
            s.execute("create role " + readable + " login password 'pw-" + readable + "'");
            s.execute("grant select on orders to " + readable);
        }
        UUID shop = store.select(io.vigil.db.jooq.Tables.TARGET.ID)
                .from(io.vigil.db.jooq.Tables.TARGET)
                .where(io.vigil.db.jooq.Tables.TARGET.NAME.eq("shop"))
                .fetchSingle(io.vigil.db.jooq.Tables.TARGET.ID);
        signIn("admin", Role.ADMIN);
        String tag = "launch-" + S;
        CreatedAgent fresh = agentService.create(new NewAgent(
                "launch-fresh-" + S, "admin", "never read before launch", shop, readable, "pw-" + readable, false));
        // Its role is not on the target: nothing can be read of it (it could hold anything).
        CreatedAgent unread = agentService.create(new NewAgent(
                "launch-unread-" + S, "admin", "unreadable privileges", shop, "launch_missing_" + S, "pw", false));
        agentService.tag(fresh.id(), List.of(tag));
        agentService.tag(unread.id(), List.of(tag));
        // Its statements in the period are judged by the demo's baseline: the evidence names it.
        String url = "jdbc:postgresql://127.0.0.1:" + gateway.address().getPort() + "/shop";
        try (Connection c = java.sql.DriverManager.getConnection(url, fresh.name(), fresh.secret());
                Statement s = c.createStatement()) {
            // Denied by the baseline: the evidence counts it against the version that denied it.
            assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> s.execute("drop table orders")))
                    .isInstanceOf(java.sql.SQLException.class);
            s.execute("select count(*) from orders where '" + tag + "' <> ''");
        }
        awaitRecorded("select count(*) from orders where '" + tag + "' <> ''");
        CampaignDefinition d = definitions.create(new CampaignDefinition(
                null,
                "Launch " + S,
                "privileges at launch",
                List.of(),
                List.of(),
                List.of(tag),
                "0 0 0 1 1 ? 2099",
                "UTC",
                Duration.ofDays(7),
                Duration.ofDays(90),
                Duration.ofDays(30),
                List.of(),
                "auditor",
                List.of(),
                Duration.ofDays(1),
                null,
                null,
                List.of(),
                "none",
                "admin",
                true));
        definitions.launchNow(d.id());
        signOut();
        UUID campaign = awaitLaunch(d.id());
        var items = store.selectFrom(CAMPAIGN_ITEM)
                .where(CAMPAIGN_ITEM.CAMPAIGN_ID.eq(campaign))
                .fetchMap(CAMPAIGN_ITEM.AGENT_NAME);

        var f = items.get("launch-fresh-" + S);
        assertThat(f.getEvidence().data())
                .contains("\"privileges_unknown\":null")
                .contains("SELECT");
        assertThat(f.getEvidence().data()).doesNotContain("\"privileges_read_at\":null");
        assertThat(f.getEvidence().data()).contains("\"policies\":[\"baseline v1: 1 denied\"]");

        var u = items.get("launch-unread-" + S);
        assertThat(u.getRecommendation()).isEqualTo("flag");
        assertThat(u.getRecommendationReason())
                .startsWith("privileges unknown: never read from the target")
                .contains("no role named launch_missing_" + S);
        assertThat(u.getEvidence().data()).contains("\"privileges_unknown\":\"never read from the target");
        assertThat(store.fetchExists(CAMPAIGN, CAMPAIGN.ID.eq(campaign))).isTrue();

        // An administrator closes the stage early, with a reason: the schedule's close, now.
        signIn("admin", Role.ADMIN);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> campaigns.closeStageNow(campaign, " "))
                .hasMessageContaining("say why");
        campaigns.closeStageNow(campaign, "demo walk-through: no need to wait a week");
        signOut();
        assertThat(store.select(CAMPAIGN.STATE)
                        .from(CAMPAIGN)
                        .where(CAMPAIGN.ID.eq(campaign))
                        .fetchOne(CAMPAIGN.STATE))
                .isEqualTo("sign-off");
        awaitShipped(io.vigil.db.jooq.Tables.PERSON_ACTION
                .ACTION
                .eq("campaign.close-stage-early")
                .and(io.vigil.db.jooq.Tables.PERSON_ACTION.DETAIL.contains("no need to wait a week")));

        // "Launch now" in the browser says what it launched, and the list shows it under a name of its own.
        try (Page page = signedIn("admin", Role.ADMIN)) {
            page.navigate(BASE_URL + "/campaigns");
            page.locator("[id='launch-" + d.name() + "']").click();
            com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat(
                            page.locator("vaadin-notification-card").last())
                    .containsText(
                            "Launched Launch " + S + " ",
                            new com.microsoft.playwright.assertions.LocatorAssertions.ContainsTextOptions()
                                    .setTimeout(20_000));
            com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat(page.locator("#campaigns"))
                    .containsText(" #2");
        }
        assertThat(store.select(CAMPAIGN.NAME)
                        .from(CAMPAIGN)
                        .where(CAMPAIGN.DEFINITION_ID.eq(d.id()))
                        .fetch(CAMPAIGN.NAME))
                .hasSize(2)
                .doesNotHaveDuplicates();
    }

    @Autowired
    io.vigil.review.campaigns.CampaignService campaigns;
}
