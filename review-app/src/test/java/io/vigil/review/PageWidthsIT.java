package io.vigil.review;

import static io.vigil.db.jooq.Tables.CAMPAIGN;
import static io.vigil.db.jooq.Tables.SESSION;
import static io.vigil.db.jooq.Tables.TARGET;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Download;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import io.vigil.review.campaigns.CampaignDefinition;
import io.vigil.review.campaigns.DefinitionService;
import io.vigil.review.security.Role;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Every page, as an administrator (who sees the most columns and actions) at the widths people
 * use, a laptop's 1366 px and a desktop's 1920 px, and as owner, auditor and approver at 1366 px. No page may be wider than the window, and no
 * grid may hide a column behind a horizontal scroll bar (a cut-off grid hid Evidence's download
 * links, a campaign's Remediation column and Campaigns' Launched). Screenshots of each page at
 * each width are kept in target/screenshots/widths for a person to look at.
 */
class PageWidthsIT extends DemoStack {

    static final Path SCREENSHOTS = Path.of("target/screenshots/widths");

    /** The grids whose columns do not fit their width, and whether the page scrolls sideways. */
    private static final String CUT_OFF = """
            () => {
              const cut = [...document.querySelectorAll('vaadin-grid')]
                .filter(g => g.offsetParent !== null)
                .filter(g => { const t = g.shadowRoot.querySelector('#table');
                               return t && t.scrollWidth > t.clientWidth + 1; })
                .map(g => g.id || '(a grid without id)');
              if (document.documentElement.scrollWidth > window.innerWidth + 1) {
                cut.push('the page itself');
              }
              return cut;
            }
            """;

    @Autowired
    DefinitionService definitions;

    @Test
    void everyPageFitsAtLaptopAndDesktopWidths() throws Exception {
        UUID campaign = aCampaign();
        UUID session = store.select(SESSION.ID)
                .from(SESSION)
                .orderBy(SESSION.STARTED_AT.desc())
                .limit(1)
                .fetchSingle(SESSION.ID);
        Map<String, String> pages = new LinkedHashMap<>();
        pages.put("dashboard", "/dashboard");
        pages.put("agents", "/agents");
        pages.put("agent", "/agent/" + agentId("support-copilot"));
        pages.put("targets", "/targets");
        pages.put("policies", "/policies");
        pages.put("people", "/people");
        pages.put("sessions", "/sessions");
        pages.put("session", "/session/" + session);
        pages.put("campaigns", "/campaigns");
        pages.put("campaign", "/campaign/" + campaign);
        pages.put("reviews", "/reviews");
        pages.put("evidence", "/evidence");

        List<String> cutOff = new ArrayList<>();
        try (Page page = signedIn("admin", Role.ADMIN)) {
            // A generated pack: its three download links are what a laptop's width cut off.
            page.navigate(BASE_URL + "/evidence");
            readyPack(page, campaign);
            for (int width : new int[] {1366, 1920}) {
                visit(page, "admin", width, pages, cutOff);
            }
        }
        // The other roles see other columns and fewer actions: each at a laptop's width.
        for (Role role : List.of(Role.OWNER, Role.AUDITOR, Role.APPROVER)) {
            String user = role.name().toLowerCase(java.util.Locale.ROOT);
            try (Page page = signedIn(user, role)) {
                visit(page, user, 1366, pages, cutOff);
            }
        }
        assertThat(cutOff).as("grids or pages wider than the window").isEmpty();
    }

    private static void visit(Page page, String user, int width, Map<String, String> pages, List<String> cutOff) {
        page.setViewportSize(width, width == 1366 ? 768 : 1080);
        for (var p : pages.entrySet()) {
            page.navigate(BASE_URL + p.getValue());
            // A page the role may not open has no heading of its own: it is still checked for width.
            page.waitForLoadState(com.microsoft.playwright.options.LoadState.NETWORKIDLE);
            page.waitForTimeout(300); // grids size their columns after their first rows render
            @SuppressWarnings("unchecked")
            List<String> cut = (List<String>) page.evaluate(CUT_OFF);
            cut.forEach(g -> cutOff.add(user + ", " + p.getKey() + " at " + width + " px: " + g));
            page.screenshot(new Page.ScreenshotOptions()
                    .setPath(SCREENSHOTS.resolve(user + "-" + p.getKey() + "-" + width + ".png"))
                    .setFullPage(true));
        }
    }

    /** At a laptop's width, the signed pack's link downloads the pack. */
    @Test
    void theSignedPackDownloadsAtLaptopWidth() throws Exception {
        UUID campaign = aCampaign();
        try (Page page = signedIn("admin", Role.ADMIN)) {
            page.setViewportSize(1366, 768);
            page.navigate(BASE_URL + "/evidence");
            readyPack(page, campaign);
            Download zip = page.waitForDownload(
                    () -> page.locator("#download-zip-" + campaign).click());
            assertThat(zip.failure()).isNull();
            assertThat(zip.suggestedFilename()).endsWith(".zip");
            assertThat(Files.size(zip.path())).isPositive();
        }
    }

    /** A pack generated for the campaign: the one there, else one generated now. */
    private static void readyPack(Page page, UUID campaign) {
        if (page.locator("#pack-ready-" + campaign).count() == 0) {
            page.locator("#generate-" + campaign).click();
            page.locator("#pack-ready-" + campaign).waitFor(new Locator.WaitForOptions().setTimeout(30_000));
        }
    }

    private UUID aCampaign() throws InterruptedException {
        UUID existing = store.select(CAMPAIGN.ID).from(CAMPAIGN).limit(1).fetchOne(CAMPAIGN.ID);
        if (existing != null) {
            return existing;
        }
        UUID shop = store.select(TARGET.ID)
                .from(TARGET)
                .where(TARGET.NAME.eq("shop"))
                .fetchSingle(TARGET.ID);
        signIn("admin", Role.ADMIN);
        CampaignDefinition d = definitions.create(new CampaignDefinition(
                null,
                "Widths " + UUID.randomUUID().toString().substring(0, 8),
                "",
                List.of(shop),
                List.of(),
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
        return awaitLaunch(d.id());
    }
}
