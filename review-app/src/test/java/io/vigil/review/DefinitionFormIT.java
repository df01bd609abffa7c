package io.vigil.review;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static io.vigil.db.jooq.Tables.CAMPAIGN_DEFINITION;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import io.vigil.review.security.Role;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A definition is made by picking: a cadence (the cron expression only if none fits), and owners
 * and reviewers from the people Vigil knows. A name Vigil does not know cannot be picked.
 */
class DefinitionFormIT extends DemoStack {

    @Test
    void anAdministratorPicksAMonthlyScheduleAndKnownPeople() {
        String name = "Picked " + UUID.randomUUID().toString().substring(0, 8);
        try (Page page = signedIn("admin", Role.ADMIN)) {
            page.setViewportSize(1366, 768);
            page.navigate(BASE_URL + "/campaigns");
            page.locator("#new-definition").click();
            page.locator("#definition-name input").fill(name);
            assertThat(page.locator("#definition-schedule")).isHidden();

            page.locator("#definition-cadence").click();
            page.locator("vaadin-select-item")
                    .filter(new Locator.FilterOptions().setHasText("Monthly"))
                    .click();
            assertThat(page.locator("#definition-schedule")).isHidden();

            page.locator("#definition-owners input").fill("owner");
            listed(page, "vaadin-multi-select-combo-box-item", "owner");
            page.locator("#definition-owners input").press("Enter");
            assertThat(page.locator("#definition-owners vaadin-multi-select-combo-box-chip"))
                    .containsText(new String[] {"owner"});
            page.keyboard().press("Escape");

            // A name Vigil does not know does not stay: only known people can be picked.
            page.locator("#definition-fallback input").fill("nobody-vigil-knows");
            page.locator("#definition-fallback input").press("Tab");
            assertThat(page.locator("#definition-fallback input")).hasValue("");
            pick(page, "#definition-fallback", "admin");
            pick(page, "#definition-owner", "admin");
            page.screenshot(new Page.ScreenshotOptions()
                    .setPath(AgentsPageIT.SCREENSHOTS.resolve("definition-form-1366.png"))
                    .setFullPage(true));
            page.locator("#save-definition").click();
            assertThat(page.locator("#definitions")).containsText(name);
        }
        var saved = store.selectFrom(CAMPAIGN_DEFINITION)
                .where(CAMPAIGN_DEFINITION.NAME.eq(name))
                .fetchSingle();
        org.assertj.core.api.Assertions.assertThat(saved.getSchedule()).isEqualTo("0 0 6 1 * ? *");
        org.assertj.core.api.Assertions.assertThat(saved.getScopeOwners()).containsExactly("owner");
        org.assertj.core.api.Assertions.assertThat(saved.getFallbackReviewer()).isEqualTo("admin");
        org.assertj.core.api.Assertions.assertThat(saved.getOwner()).isEqualTo("admin");
    }

    /** Types a person's name and picks it: Enter takes the item that matches it exactly. */
    private static void pick(Page page, String field, String person) {
        page.locator(field + " input").fill(person);
        listed(page, "vaadin-combo-box-item", person);
        page.locator(field + " input").press("Enter");
        assertThat(page.locator(field + " input")).hasValue(person);
    }

    /** Waits until the open list shows an item named exactly {@code text} (the list filters as one types). */
    private static void listed(Page page, String tag, String text) {
        page.waitForFunction(
                "([tag, text]) => [...document.querySelectorAll(tag)]"
                        + ".some(i => i.textContent.trim() === text && i.offsetParent !== null)",
                java.util.List.of(tag, text));
    }
}
