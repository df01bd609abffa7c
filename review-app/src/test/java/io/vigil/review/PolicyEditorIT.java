package io.vigil.review;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static io.vigil.db.jooq.Tables.PERSON_ACTION;
import static io.vigil.db.jooq.Tables.POLICY;
import static io.vigil.db.jooq.Tables.POLICY_ATTACHMENT;
import static io.vigil.db.jooq.Tables.STATEMENT_VIEW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import io.vigil.db.jooq.tables.records.StatementViewRecord;
import io.vigil.review.policies.PolicyService;
import io.vigil.review.security.Role;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.context.SecurityContextHolder;

/**
 * An administrator writes a policy in the browser: a rule that does not compile is shown under the
 * document naming the rule; the policy starts observing; switched to enforce, the gateway denies
 * what it says within a second; its history shows each version and what it changed; each change is
 * in the trail. Nobody else may change policies, whatever the page shows.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.DEFINED_PORT)
class PolicyEditorIT extends DemoStack {

    @Autowired
    PolicyService policies;

    private static final String BROKEN = """
            {"name": "orders-guard", "rules": [
              {"name": "no-order-deletes", "effect": "deny", "when": "'public.orders' in writes &&",
               "message": "orders are not deleted by agents"}]}""";

    private static final String GUARD = """
            {"name": "orders-guard", "description": "agents read orders; they do not count them", "rules": [
              {"name": "no-order-counts", "effect": "deny",
               "when": "'public.orders' in reads && command == 'SelectStmt' && columns.all.size() == 0",
               "message": "counting orders is not for agents"}]}""";

    @Test
    void anAdministratorWritesAPolicyObservesItThenEnforcesIt() throws Exception {
        try (Page page = signedIn("admin", Role.ADMIN)) {
            page.setViewportSize(1366, 768);
            Locator document = newPolicyForShop(page, "orders-guard");
            document.fill(BROKEN);
            page.locator("#policy-check").click();
            assertThat(page.locator("#policy-problems")).containsText("rule 'no-order-deletes'");
            document.fill(GUARD);
            page.locator("#policy-check").click();
            assertThat(page.locator("#policy-problems")).containsText("every rule compiles");
            screenshot(page, "admin-policy-editor-1366");
            page.locator("#policy-save").click();
            screenshot(page, "admin-policy-saved-1366");
            assertThat(page.locator("#mode-orders-guard")).containsText("observe");
            assertThat(page.locator("#policy-orders-guard")).containsText("attached to shop: every agent");

            // Observing: the count runs, and its record says the policy would have denied it.
            String observedCount = "select count(*) from orders where 'observing' <> ''";
            StatementViewRecord observed = null;
            for (int attempt = 0; observed == null && attempt < 40; attempt++) {
                String sql = observedCount + " and " + attempt + " >= 0";
                runAs("support-copilot", sql);
                awaitRecorded(sql);
                StatementViewRecord record = store.selectFrom(STATEMENT_VIEW)
                        .where(STATEMENT_VIEW.SQL_TEXT.eq(sql))
                        .fetchSingle();
                if (record.getObservedVerdict() != null) {
                    observed = record;
                } else {
                    Thread.sleep(100); // the gateway reads the store four times a second
                }
            }
            assertThat(observed).as("a count judged under the observing policy").isNotNull();
            assertThat(observed.getObservedVerdict()).isEqualTo("deny");
            assertThat(observed.getObservedPolicy()).isEqualTo("orders-guard v1");
            assertThat(observed.getObservedRule()).isEqualTo("no-order-counts");

            page.locator("#policy-mode-orders-guard").click();
            assertThat(page.locator("#mode-orders-guard")).containsText("enforce");
            Throwable denied = null;
            for (int attempt = 0; attempt < 40 && denied == null; attempt++) {
                denied = catchThrowable(() -> runAs("support-copilot", "select count(*) from orders"));
                if (denied == null) {
                    Thread.sleep(100); // the gateway reads the store four times a second
                }
            }
            assertThat(denied).isInstanceOf(SQLException.class);
            assertThat(denied.getMessage()).contains("denied by Vigil policy 'orders-guard', rule 'no-order-counts'");
            runAs("support-copilot", "select id from orders limit 1"); // what it does not say still runs

            page.locator("#policy-history-orders-guard").click();
            assertThat(page.locator("#policy-versions")).containsText("v2");
            assertThat(page.locator("#policy-changes-v2")).containsText("mode: observe => enforce");
            screenshot(page, "admin-policy-history-1366");
        } finally {
            detach("orders-guard");
        }
        assertThat(store.select(PERSON_ACTION.ACTION, PERSON_ACTION.DETAIL)
                        .from(PERSON_ACTION)
                        .where(PERSON_ACTION.SUBJECT_NAME.eq("orders-guard"))
                        .orderBy(PERSON_ACTION.ACTED_AT)
                        .fetch(r -> r.value1() + " " + r.value2()))
                .containsExactly(
                        "policy.create v1 (observe): added no-order-counts; attached to shop",
                        "policy.enforce v2: enforces, rules as v1");
    }

    @Test
    void onlyAnAdministratorChangesPolicies() throws Exception {
        try (Page page = signedIn("owner", Role.OWNER)) {
            page.navigate(BASE_URL + "/policies");
            assertThat(page.locator("#policy-baseline")).containsText("baseline");
            assertThat(page.locator("#policy-new")).hasCount(0);
            assertThat(page.locator("#policy-mode-baseline")).hasCount(0);
        }
        try {
            for (Role role : List.of(Role.OWNER, Role.APPROVER, Role.AUDITOR)) {
                signIn(role.name().toLowerCase(java.util.Locale.ROOT), role);
                assertThatThrownBy(() -> policies.switchMode("baseline", true))
                        .isInstanceOf(AccessDeniedException.class);
                assertThatThrownBy(() -> policies.save(
                                "sneaky", GUARD.replace("orders-guard", "sneaky"), false, List.of("shop"), 0))
                        .isInstanceOf(AccessDeniedException.class);
                assertThatThrownBy(() ->
                                policies.replay("sneaky", GUARD.replace("orders-guard", "sneaky"), 7, List.of("shop")))
                        .isInstanceOf(AccessDeniedException.class);
            }
        } finally {
            SecurityContextHolder.clearContext();
        }
        assertThat(store.fetchCount(POLICY, POLICY.NAME.eq("sneaky"))).isZero();
    }

    /** Opens "New policy" for {@code name} on shop; returns its document, once the server filled it in. */
    private static Locator newPolicyForShop(Page page, String name) {
        page.navigate(BASE_URL + "/policies");
        page.locator("#policy-new").click();
        page.locator("#policy-name input").fill(name);
        page.locator("#policy-name input").press("Tab");
        Locator document = page.locator("#policy-document textarea");
        // The server fills in the starting point for the name: wait for it before writing over it.
        assertThat(document).hasValue(java.util.regex.Pattern.compile(name));
        page.locator("#policy-targets input").click();
        page.locator("vaadin-multi-select-combo-box-item")
                .filter(new Locator.FilterOptions().setHasText("shop"))
                .click();
        page.keyboard().press("Escape");
        assertThat(page.locator("#policy-targets")).containsText("shop");
        return document;
    }

    private void detach(String policy) {
        store.deleteFrom(POLICY_ATTACHMENT)
                .where(POLICY_ATTACHMENT.POLICY_ID.in(
                        store.select(POLICY.ID).from(POLICY).where(POLICY.NAME.eq(policy))))
                .execute();
    }

    private static void screenshot(Page page, String name) throws Exception {
        Path shots = Path.of("target/screenshots");
        Files.createDirectories(shots);
        Page.ScreenshotOptions full = new Page.ScreenshotOptions()
                .setPath(shots.resolve(name + ".png"))
                .setFullPage(true);
        try {
            page.screenshot(full);
        } catch (com.microsoft.playwright.TimeoutError e) {
            // Headless Chromium on a loaded two-core machine now and then misses the frame a full-page
            // capture waits for, just after a dialog closes: once more, when the page has settled.
            page.waitForTimeout(1_000);
            page.screenshot(full.setTimeout(60_000));
        }
    }

    /**
     * A draft replayed over what an agent really sent says how many of its statements it would
     * deny; enforced, it denies exactly those when the agent sends them again.
     */
    @Test
    void aReplayedDraftDeniesWhatItSaidItWould() throws Exception {
        List<String> statements = List.of(
                "select pg_backend_pid()",
                "select 1",
                "select pg_backend_pid() + 1",
                "select 2",
                "select pg_backend_pid() + 2");
        for (String sql : statements) {
            runAs("support-copilot", sql);
        }
        for (String sql : statements) {
            awaitRecorded(sql);
        }
        String draft = """
                {"name": "pid-guard", "rules": [
                  {"name": "no-backend-pids", "effect": "deny",
                   "when": "agent == 'support-copilot' && functions.exists(f, f == 'pg_backend_pid')",
                   "message": "agents do not look at server processes"}]}""";
        try (Page page = signedIn("admin", Role.ADMIN)) {
            page.setViewportSize(1920, 1080);
            Locator document = newPolicyForShop(page, "pid-guard");
            document.fill(draft);
            page.locator("#policy-replay").click();
            assertThat(page.locator("#policy-replay-result")).containsText("would have denied 3, held 0");
            assertThat(page.locator("#policy-replay-result")).containsText("no-backend-pids");
            assertThat(page.locator("#policy-replay-result")).containsText("select pg_backend_pid()");
            screenshot(page, "admin-policy-replay-1920");
            page.locator("#policy-save").click();
            page.locator("#policy-mode-pid-guard").click();
            assertThat(page.locator("#mode-pid-guard")).containsText("enforce");
        }
        try {
            int denied = 0;
            for (int attempt = 0; attempt < 40; attempt++) {
                denied = 0;
                for (String sql : statements) {
                    Throwable refused = catchThrowable(() -> runAs("support-copilot", sql));
                    if (refused instanceof SQLException e && "42501".equals(e.getSQLState())) {
                        denied++;
                    }
                }
                if (denied > 0) {
                    break; // the gateway has the enforcing version
                }
                Thread.sleep(100);
            }
            assertThat(denied).as("denied when enforced, as the replay said").isEqualTo(3);
            assertThat(store.select(PERSON_ACTION.DETAIL)
                            .from(PERSON_ACTION)
                            .where(PERSON_ACTION.ACTION.eq("policy.replay"))
                            .and(PERSON_ACTION.SUBJECT_NAME.eq("pid-guard"))
                            .fetch(PERSON_ACTION.DETAIL))
                    .singleElement()
                    .asString()
                    .contains("3 would be denied, 0 held for review");
        } finally {
            detach("pid-guard");
        }
    }

    /** A change made from an older version, or a "new" policy under a name in use, is refused. */
    @Test
    void aChangeMadeFromAnOlderVersionIsRefused() {
        signIn("admin", Role.ADMIN);
        try {
            PolicyService.Editable export = policies.editable("export");
            assertThatThrownBy(() -> policies.save("export", export.document(), true, List.of("shop"), 0))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("exists already");
            assertThatThrownBy(() -> policies.save("export", export.document(), true, List.of(), export.version() + 1))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("has changed since you opened it");
            assertThat(policies.editable("export")).isEqualTo(export);
        } finally {
            SecurityContextHolder.clearContext();
        }
    }
}
