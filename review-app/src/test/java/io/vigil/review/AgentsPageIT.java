package io.vigil.review;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static io.vigil.db.jooq.Tables.PERSON;
import static io.vigil.db.jooq.Tables.PERSON_ACTION;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import io.vigil.review.security.Role;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The inventory pages in a real browser, signed in through the built-in identity provider: an
 * administrator creates an agent and its one-time secret works through psql; an owner sees their
 * agents and only theirs; an auditor finds no action anywhere.
 */
class AgentsPageIT extends DemoStack {

    static final Path SCREENSHOTS = Path.of("target/screenshots");

    /** The web app's own authentication at the provider's token endpoint is not a person signing in. */
    @Test
    void onlyPeopleWhoSignInBecomePeople() {
        try (Page page = signedIn("approver", Role.APPROVER)) {
            assertThat(page.url()).startsWith(BASE_URL);
            assertThat(store.fetchExists(PERSON, PERSON.LOGIN.eq("approver"))).isTrue();
            assertThat(store.fetchExists(PERSON, PERSON.LOGIN.eq("vigil-review")))
                    .isFalse();
        }
    }

    @Test
    void anAdminCreatesAnAgentAndItsSecretWorksThroughPsql() throws Exception {
        String name = "created-" + UUID.randomUUID().toString().substring(0, 8);
        String secret;
        try (Page page = signedIn("admin", Role.ADMIN)) {
            page.navigate(BASE_URL + "/agents");
            page.locator("#new-agent").click();
            page.locator("#agent-name input").fill(name);
            page.locator("#agent-owner input").fill("owner");
            page.locator("#agent-purpose textarea").fill("Created in a browser test");
            page.locator("#agent-target").click();
            page.locator("vaadin-select-item")
                    .filter(new Locator.FilterOptions().setHasText("shop"))
                    .click();
            page.locator("#create-agent").click();
            Locator shown = page.locator("#new-secret input");
            assertThat(shown).hasValue(java.util.regex.Pattern.compile("vgl_.{43}"));
            secret = shown.inputValue();
            assertThat(page.locator("#new-secret-connection input"))
                    .hasValue(java.util.regex.Pattern.compile(".*user=" + name + ".*"));
            page.screenshot(new Page.ScreenshotOptions().setPath(SCREENSHOTS.resolve("agent-created.png")));
            page.locator("#secret-stored").click();
            page.locator("#agent-search input").fill(name);
            assertThat(page.locator("#agents")).containsText(name);
        }

        ProcessBuilder psql = new ProcessBuilder(
                        "psql",
                        "-X",
                        "-At",
                        "-h",
                        "127.0.0.1",
                        "-p",
                        Integer.toString(gateway.address().getPort()),
                        "-U",
                        name,
                        "-d",
                        "shop",
                        "-c",
                        "select current_user")
                .redirectErrorStream(true);
        psql.environment().put("PGPASSWORD", secret);
        Process process = psql.start();
        String output = new String(process.getInputStream().readAllBytes()).strip();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        assertThat(output)
                .as("the target's login role, which the agent never saw")
                .isEqualTo("shop_gateway");
        assertThat(store.fetchCount(
                        PERSON_ACTION,
                        PERSON_ACTION
                                .SUBJECT_NAME
                                .eq(name)
                                .and(PERSON_ACTION.ACTION.eq("agent.create"))
                                .and(PERSON_ACTION.ACTOR.eq("admin"))))
                .isEqualTo(1);
    }

    @Test
    void anOwnerSeesTheirAgentsAndOnlyTheirs() {
        try (Page page = signedIn("owner", Role.OWNER)) {
            page.navigate(BASE_URL + "/agents");
            // The other tests add agents of their own; find the demo's by name.
            Locator grid = page.locator("#agents");
            Locator search = page.locator("#agent-search input");
            search.fill("support-copilot");
            assertThat(grid).containsText("support-copilot");
            search.fill("billing-reconciler");
            assertThat(grid).containsText("billing-reconciler");
            search.fill("analytics-etl");
            assertThat(grid).not().containsText("analytics-etl");
            search.fill("ci-migrations");
            assertThat(grid).not().containsText("ci-migrations");
            assertThat(page.locator("#new-agent")).hasCount(0);

            page.navigate(BASE_URL + "/agent/" + agentId("support-copilot"));
            assertThat(page.locator("#agent-title")).hasText("support-copilot");
            assertThat(page.locator("#rotate-secret")).isVisible();
            assertThat(page.locator("#disable-agent")).isVisible();
            assertThat(page.locator("#transfer-agent")).hasCount(0);
            assertThat(page.locator("#upstream-role")).hasCount(0);
            assertThat(page.locator("#activity-chart")).isVisible();
            // Drawn in the page: a column per day, a legend, the scale, each day's counts on hover.
            assertThat(page.locator("#activity-chart .activity-day")).hasCount(30);
            assertThat(page.locator("#activity-scale")).containsText("statements a day");
            assertThat(page.locator("#activity-chart .activity-day").last())
                    .hasAttribute("title", java.util.regex.Pattern.compile("\\d{4}-\\d{2}-\\d{2}: .*"));
            assertThat(page.locator("#matrix")).isVisible();
            assertThat(page.locator("#upstream-role-check")).hasText("may be used: it cannot reach past Vigil");
            page.screenshot(new Page.ScreenshotOptions()
                    .setPath(SCREENSHOTS.resolve("agent-page.png"))
                    .setFullPage(true));

            // Rotating asks first, and says how long the current secret goes on working.
            long credentials = store.fetchCount(
                    io.vigil.db.jooq.Tables.AGENT_CREDENTIAL,
                    io.vigil.db.jooq.Tables.AGENT_CREDENTIAL.AGENT_ID.eq(agentId("support-copilot")));
            page.locator("#rotate-secret").click();
            assertThat(page.locator("#confirm-text")).containsText("keeps working for 24 h");
            page.locator("#action-cancel").click();
            assertThat(page.locator("#confirm-text")).hasCount(0);
            org.assertj.core.api.Assertions.assertThat(store.fetchCount(
                            io.vigil.db.jooq.Tables.AGENT_CREDENTIAL,
                            io.vigil.db.jooq.Tables.AGENT_CREDENTIAL.AGENT_ID.eq(agentId("support-copilot"))))
                    .as("nothing rotated on Cancel")
                    .isEqualTo(credentials);

            page.navigate(BASE_URL + "/agent/" + agentId("analytics-etl"));
            assertThat(page.locator("#no-agent")).isVisible();
            assertThat(page.locator("#agent-title")).hasCount(0);

            page.navigate(BASE_URL + "/dashboard");
            assertThat(page.locator("#by-owner")).containsText("owner");
            assertThat(page.locator("#by-owner")).not().containsText("maria.chen");
            assertThat(page.locator("#rebuild-usage")).hasCount(0);
        }
    }

    @Test
    void anAuditorCannotReachAnyAction() {
        try (Page page = signedIn("auditor", Role.AUDITOR)) {
            page.navigate(BASE_URL + "/dashboard");
            assertThat(page.locator("#by-owner")).containsText("maria.chen");
            assertThat(page.locator("#rebuild-usage")).hasCount(0);
            // The figures lead: each says what to do when it is not zero.
            assertThat(page.locator("#figures")).containsText("stale agents");
            assertThat(page.locator("#figure-unused-writes")).containsText("agents with unused write privileges");
            assertThat(page.locator("#figure-active")).containsText("active agents");
            page.screenshot(new Page.ScreenshotOptions()
                    .setPath(SCREENSHOTS.resolve("dashboard.png"))
                    .setFullPage(true));

            page.navigate(BASE_URL + "/agents");
            page.locator("#agent-search input").fill("analytics");
            assertThat(page.locator("#agents")).containsText("analytics-etl");
            assertThat(page.locator("#new-agent")).hasCount(0);

            page.navigate(BASE_URL + "/agent/" + agentId("analytics-etl"));
            assertThat(page.locator("#agent-title")).hasText("analytics-etl");
            assertThat(page.locator("#agent-actions vaadin-button")).hasCount(0);
            assertThat(page.locator("#refresh-grants")).isVisible();

            page.navigate(BASE_URL + "/targets");
            assertThat(page.locator("#targets")).containsText("shop");
            assertThat(page.locator("#add-target")).hasCount(0);
            assertThat(page.locator("#test-shop")).hasCount(0);
            assertThat(page.locator("#edit-shop")).hasCount(0);
        }
    }

    @Test
    void anApproverReadsEveryAgentButFindsNoAction() {
        try (Page page = signedIn("approver", Role.APPROVER)) {
            page.navigate(BASE_URL + "/agents");
            page.locator("#agent-search input").fill("ci-migrations");
            assertThat(page.locator("#agents")).containsText("ci-migrations");
            assertThat(page.locator("#new-agent")).hasCount(0);

            page.navigate(BASE_URL + "/agent/" + agentId("ci-migrations"));
            assertThat(page.locator("#agent-title")).hasText("ci-migrations");
            assertThat(page.locator("#agent-actions vaadin-button")).hasCount(0);

            page.navigate(BASE_URL + "/targets");
            assertThat(page.locator("#add-target")).hasCount(0);
            assertThat(page.locator("#edit-shop")).hasCount(0);

            page.navigate(BASE_URL + "/dashboard");
            assertThat(page.locator("#by-owner")).containsText("maria.chen");
            assertThat(page.locator("#rebuild-usage")).hasCount(0);
        }
    }
}
