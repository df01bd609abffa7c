package io.vigil.review;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static io.vigil.db.jooq.Tables.POLICY;
import static io.vigil.db.jooq.Tables.POLICY_ATTACHMENT;
import static io.vigil.db.jooq.Tables.POLICY_VERSION;
import static io.vigil.db.jooq.Tables.STATEMENT_VIEW;
import static io.vigil.db.jooq.Tables.TARGET;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.microsoft.playwright.Page;
import io.vigil.db.jooq.tables.records.StatementViewRecord;
import io.vigil.review.security.Role;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.UUID;
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

    /**
     * A policy in observe mode beside the baseline: the agent's read runs, its record and the
     * replay say the policy would have held it for review, the Sessions filter finds the session, and the
     * Policies page shows the mode and what it would have stopped, by agent and rule.
     */
    @Test
    void aPolicyInObserveModeStopsNothingAndShowsWhatItWouldHaveStopped() throws Exception {
        UUID policy = UUID.randomUUID();
        UUID attachment = UUID.randomUUID();
        store.insertInto(POLICY)
                .set(POLICY.ID, policy)
                .set(POLICY.NAME, "orders-watch")
                .execute();
        store.insertInto(POLICY_VERSION)
                .set(POLICY_VERSION.POLICY_ID, policy)
                .set(POLICY_VERSION.VERSION, 1)
                .set(POLICY_VERSION.DOCUMENT, """
                        {"name": "orders-watch", "rules": [{"name": "orders-need-a-reason", "effect": "review",
                          "when": "'public.orders' in reads", "message": "reading orders needs a reason"}]}""")
                .set(POLICY_VERSION.MODE, "observe")
                .set(POLICY_VERSION.CREATED_BY, "tests")
                .execute();
        store.insertInto(POLICY_ATTACHMENT)
                .set(POLICY_ATTACHMENT.ID, attachment)
                .set(POLICY_ATTACHMENT.POLICY_ID, policy)
                .set(
                        POLICY_ATTACHMENT.TARGET_ID,
                        store.select(TARGET.ID)
                                .from(TARGET)
                                .where(TARGET.NAME.eq("shop"))
                                .fetchSingle(TARGET.ID))
                .set(POLICY_ATTACHMENT.AGENTS, new String[] {"support-copilot"})
                .set(POLICY_ATTACHMENT.CREATED_BY, "tests")
                .execute();
        try {
            StatementViewRecord observed = null;
            for (int attempt = 0; observed == null && attempt < 50; attempt++) {
                String sql = "select count(*) from orders where id > -" + attempt;
                runAs("support-copilot", sql); // runs: the baseline allows it, the watch would hold it
                awaitRecorded(sql);
                StatementViewRecord record = store.selectFrom(STATEMENT_VIEW)
                        .where(STATEMENT_VIEW.SQL_TEXT.eq(sql))
                        .fetchSingle();
                if (record.getObservedVerdict() != null) {
                    observed = record; // the gateway has the new policy (it reads the store every 250 ms)
                } else {
                    Thread.sleep(100);
                }
            }
            assertThat(observed)
                    .as("a statement judged under the observing policy")
                    .isNotNull();
            assertThat(observed.getOutcome()).isEqualTo("completed");
            assertThat(observed.getVerdict()).isEqualTo("allow");
            assertThat(observed.getPolicies()).isEqualTo("baseline v1, orders-watch v1 (observe)");
            assertThat(observed.getObservedVerdict()).isEqualTo("review");
            assertThat(observed.getObservedRule()).isEqualTo("orders-need-a-reason");

            try (Page page = signedIn("auditor", Role.AUDITOR)) {
                page.navigate(BASE_URL + "/session/" + observed.getSessionId());
                assertThat(page.locator("#statements"))
                        .containsText("observe mode would hold for review: orders-watch v1, orders-need-a-reason");
                page.navigate(BASE_URL + "/sessions?observed=review");
                assertThat(page.locator("#sessions")).containsText("support-copilot");
                page.navigate(BASE_URL + "/policies");
                assertThat(page.locator("#mode-orders-watch")).containsText("observe");
                assertThat(page.locator("#mode-baseline")).containsText("enforce");
                assertThat(page.locator("#observed-orders-watch")).containsText("support-copilot");
                assertThat(page.locator("#observed-orders-watch")).containsText("would hold for review");
                assertThat(page.locator("#observed-orders-watch")).containsText("orders-need-a-reason");
                assertThat(page.locator("#agent-policies")).containsText("baseline v1, orders-watch v1 (observe)");
                for (int width : new int[] {1366, 1920}) {
                    page.setViewportSize(width, width == 1366 ? 768 : 1080);
                    page.locator("#policy-orders-watch").scrollIntoViewIfNeeded();
                    Path shots = Path.of("target/screenshots");
                    Files.createDirectories(shots);
                    page.screenshot(new Page.ScreenshotOptions()
                            .setPath(shots.resolve("auditor-policies-observe-" + width + ".png"))
                            .setFullPage(true));
                }
            }
        } finally {
            store.deleteFrom(POLICY_ATTACHMENT)
                    .where(POLICY_ATTACHMENT.ID.eq(attachment))
                    .execute();
        }
    }

    /** Anyone with a role tries a statement as an agent: the verdict and the facts, nothing run. */
    @Test
    void aStatementIsTriedAsAnAgentWithTheFactsItIsJudgedBy() throws Exception {
        try (Page page = signedIn("owner", Role.OWNER)) {
            page.setViewportSize(1366, 768);
            page.navigate(BASE_URL + "/policies");
            page.locator("#try-agent input").fill("support-copilot");
            page.locator("#try-agent input").press("Enter");
            page.locator("#try-sql textarea").fill("drop table orders; select ssn from customers where id = 1");
            page.locator("#try-judge").click();
            assertThat(page.locator("#try-result")).containsText("denied by Vigil policy 'baseline', rule 'no-drop'");
            assertThat(page.locator("#try-result")).containsText("allowed by baseline v1");
            assertThat(page.locator("#try-result")).containsText("columns.where");
            assertThat(page.locator("#try-result")).containsText("DropStmt");
            page.locator("#try-result").scrollIntoViewIfNeeded();
            Path shots = Path.of("target/screenshots");
            Files.createDirectories(shots);
            page.screenshot(new Page.ScreenshotOptions().setPath(shots.resolve("owner-policies-try-1366.png")));
        }
        runAs("support-copilot", "select count(*) from orders"); // the table the tried DROP named is there
    }
}
