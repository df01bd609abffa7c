package io.vigil.review;

import static io.vigil.db.jooq.Tables.TARGET;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.APIResponse;
import com.microsoft.playwright.Download;
import com.microsoft.playwright.Page;
import io.vigil.proxy.audit.verify.AuditCommand;
import io.vigil.review.agents.AgentService;
import io.vigil.review.agents.NewAgent;
import io.vigil.review.campaigns.CampaignDefinition;
import io.vigil.review.campaigns.DefinitionService;
import io.vigil.review.security.Role;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * An auditor generates a campaign's evidence pack in the browser, watches it finish, downloads the
 * workbook and the signed pack, and the pack verifies. An owner finds no Evidence page, and the
 * download links refuse them (403) even when they know the address.
 */
class EvidencePageIT extends DemoStack {

    static final String S = Long.toString(System.nanoTime() % 100_000);

    @Autowired
    AgentService agentService;

    @Autowired
    DefinitionService definitions;

    @Test
    void anAuditorDownloadsThePackAndAnOwnerCannot() throws Exception {
        UUID campaign = campaign();
        String xlsxPath = "/downloads/evidence/" + campaign + "/evidence.xlsx";

        try (Page page = signedIn("auditor", Role.AUDITOR)) {
            page.navigate(BASE_URL + "/evidence");
            page.locator("#generate-" + campaign).click();
            page.locator("#pack-ready-" + campaign).waitFor();
            assertThat(page.locator("#pack-ready-" + campaign).textContent()).contains("2 items", "by auditor");

            Download workbook = page.waitForDownload(
                    () -> page.locator("#download-xlsx-" + campaign).click());
            try (InputStream in = Files.newInputStream(workbook.path());
                    XSSFWorkbook book = new XSSFWorkbook(in)) {
                assertThat(book.getSheet("Summary").getRow(2).getCell(1).getStringCellValue())
                        .startsWith("Evidence page " + S);
                assertThat(book.getSheet("Items").getLastRowNum()).isEqualTo(2);
            }
            assertThat(workbook.suggestedFilename())
                    .startsWith("evidence-Evidence-page-" + S)
                    .endsWith(".xlsx");

            Download pack = page.waitForDownload(
                    () -> page.locator("#download-zip-" + campaign).click());
            Path zip = DATA_DIR.resolve("evidence-page-" + S + ".zip");
            pack.saveAs(zip);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int status = AuditCommand.run(
                    List.of(
                            "verify",
                            "--public-key",
                            DATA_DIR.resolve("secrets/trail-signing.key.pub").toString(),
                            "--pack",
                            zip.toString()),
                    Map.of(),
                    new PrintStream(out, true, StandardCharsets.UTF_8));
            assertThat(out.toString(StandardCharsets.UTF_8)).contains("verdict: intact");
            assertThat(status).isZero();
        }

        try (Page page = signedIn("owner", Role.OWNER)) {
            page.locator("vaadin-side-nav-item").first().waitFor();
            assertThat(page.locator("vaadin-side-nav-item").allTextContents())
                    .isNotEmpty()
                    .noneMatch(item -> item.contains("Evidence"));
            page.navigate(BASE_URL + "/evidence");
            assertThat(page.locator("#evidence-campaigns").count()).isZero();
            for (String path : List.of(
                    xlsxPath,
                    "/downloads/evidence/" + campaign + "/evidence.pdf",
                    "/downloads/evidence/" + campaign + "/pack.zip",
                    "/downloads/agent-history/" + agentId(name("a")))) {
                APIResponse response = page.request().get(BASE_URL + path);
                assertThat(response.status()).as(path).isEqualTo(403);
            }
        }
    }

    /** A launched campaign of two agents, owned by the demo owner. */
    private UUID campaign() throws InterruptedException {
        UUID shop = store.select(TARGET.ID)
                .from(TARGET)
                .where(TARGET.NAME.eq("shop"))
                .fetchSingle(TARGET.ID);
        signIn("admin", Role.ADMIN);
        for (String n : List.of("a", "b")) {
            agentService.create(new NewAgent(name(n), "owner", "evidence page test agent", shop, null, null, false));
        }
        CampaignDefinition d = definitions.create(new CampaignDefinition(
                null,
                "Evidence page " + S,
                "",
                List.of(),
                List.of(),
                List.of("evidence-" + S),
                CampaignDefinition.QUARTERLY,
                "UTC",
                Duration.ofDays(14),
                Duration.ofDays(90),
                Duration.ofDays(30),
                List.of(),
                "admin",
                List.of(),
                Duration.ofDays(3),
                null,
                null,
                List.of(),
                "none",
                "admin",
                true));
        for (String n : List.of("a", "b")) {
            agentService.tag(agentId(name(n)), List.of("evidence-" + S));
        }
        definitions.launchNow(d.id());
        signOut();
        return awaitLaunch(d.id());
    }

    static String name(String kind) {
        return "ev-" + kind + "-" + S;
    }
}
