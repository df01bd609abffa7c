package io.vigil.review;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static io.vigil.db.jooq.Tables.STATEMENT_VIEW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.microsoft.playwright.Page;
import io.vigil.review.security.Role;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * The demo enforces the baseline preset: an agent's DROP is denied with the policy and rule and
 * never reaches the shop, the trail keeps it as refused, and the Policies page shows the rule that
 * denied it and the policies each agent is judged by.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.DEFINED_PORT)
class PoliciesPageIT extends DemoStack {

    @Test
    void theDemoDeniesADropAndThePoliciesPageShowsWhy() throws Exception {
        Throwable denied = catchThrowable(() -> runAs("support-copilot", "drop table orders"));
        assertThat(denied).isInstanceOf(SQLException.class);
        assertThat(((SQLException) denied).getSQLState()).isEqualTo("42501");
        assertThat(denied.getMessage())
                .contains("denied by Vigil policy 'baseline', rule 'no-drop': agents may not drop objects");
        runAs("support-copilot", "select count(*) from orders"); // the table is still there
        awaitRecorded("drop table orders");
        var record = store.selectFrom(STATEMENT_VIEW)
                .where(STATEMENT_VIEW.SQL_TEXT.eq("drop table orders"))
                .limit(1)
                .fetchSingle();
        assertThat(record.getOutcome()).isEqualTo("refused");
        assertThat(record.getSqlstate()).isEqualTo("42501");
        assertThat(record.getVerdict()).isEqualTo("deny");
        assertThat(record.getRule()).isEqualTo("no-drop");

        try (Page page = signedIn("auditor", Role.AUDITOR)) {
            page.navigate(BASE_URL + "/session/" + record.getSessionId());
            assertThat(page.locator("#statements"))
                    .containsText("42501 denied by Vigil policy 'baseline', rule 'no-drop'");
            page.navigate(BASE_URL + "/sessions?stopped=denied");
            assertThat(page.locator("#sessions")).containsText("support-copilot");
            for (int width : new int[] {1366, 1920}) {
                page.setViewportSize(width, width == 1366 ? 768 : 1080);
                page.navigate(BASE_URL + "/policies");
                assertThat(page.locator("#policy-baseline")).containsText("baseline v1 (preset)");
                assertThat(page.locator("#rules-baseline")).containsText("no-drop");
                assertThat(page.locator("#rules-baseline")).containsText("agents may not drop objects");
                assertThat(page.locator("#policy-export")).containsText("attached to nothing");
                assertThat(page.locator("#agent-policies")).containsText("support-copilot");
                assertThat(page.locator("#agent-policies")).containsText("baseline v1");
                Path shots = Path.of("target/screenshots");
                Files.createDirectories(shots);
                page.screenshot(new Page.ScreenshotOptions()
                        .setPath(shots.resolve("auditor-policies-" + width + ".png"))
                        .setFullPage(true));
            }
        }
    }
}
