package io.vigil.review;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static io.vigil.db.jooq.Tables.APPROVAL_REQUEST;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.microsoft.playwright.Page;
import io.vigil.review.approvals.ApprovalService;
import io.vigil.review.security.Role;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.security.access.AccessDeniedException;

/**
 * The demo's baseline sends an UPDATE of every row for review: the agent's statement waits in its
 * session while an approver, in a real browser, sees it on the Approvals page (updated without a
 * reload, counted in the navigation) and approves it (it runs, as sent) or denies it with a reason
 * (the agent is told). Nobody decides a statement of an agent that is them.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.DEFINED_PORT)
class ApprovalsPageIT extends DemoStack {

    private static final String EVERY_ROW = "update orders set status = status";

    @Autowired
    ApprovalService approvals;

    @Autowired
    io.vigil.review.sessions.SessionService sessions;

    /** Sends {@code sql} as analytics-etl, whose role may update orders; returns its update count. */
    private CompletableFuture<Object> sendAsAnalytics(String sql) {
        return CompletableFuture.supplyAsync(
                () -> {
                    String url =
                            "jdbc:postgresql://127.0.0.1:" + gateway.address().getPort() + "/shop";
                    try (Connection c = DriverManager.getConnection(
                                    url, "analytics-etl", agents.secretOf("analytics-etl"));
                            Statement s = c.createStatement()) {
                        return s.executeUpdate(sql);
                    } catch (SQLException e) {
                        return e;
                    }
                },
                AGENTS);
    }

    /**
     * The agents' connections wait for people: never on the common pool, which the sign-in's own
     * HTTP calls need (two cores give it one worker).
     */
    private static final java.util.concurrent.ExecutorService AGENTS =
            java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor();

    private UUID awaitPending(String sql) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        UUID id;
        while ((id = store.select(APPROVAL_REQUEST.ID)
                        .from(APPROVAL_REQUEST)
                        .where(APPROVAL_REQUEST.SQL_TEXT.eq(sql))
                        .and(APPROVAL_REQUEST.STATE.eq("pending"))
                        .fetchOne(APPROVAL_REQUEST.ID))
                == null) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no request for approval within 10 s: " + sql);
            }
            Thread.sleep(50);
        }
        return id;
    }

    @Test
    void anApproverApprovesAHeldStatementInTheBrowserAndItRuns() throws Exception {
        try (Page page = signedIn("approver", Role.APPROVER)) {
            page.navigate(BASE_URL + "/approvals");
            assertThat(page.locator("#approval-requests")).containsText("Nothing waits for approval.");

            CompletableFuture<Object> update = sendAsAnalytics(EVERY_ROW);
            UUID id = awaitPending(EVERY_ROW);
            // Shown without a reload, counted in the navigation.
            assertThat(page.locator("#request-" + id)).containsText("analytics-etl on shop");
            assertThat(page.locator("#request-" + id)).containsText("rule 'review-unbounded-update'");
            assertThat(page.locator("#request-" + id + " .statement")).hasText(EVERY_ROW);
            // The blast radius, each figure saying what it is; measured while the statement waits.
            assertThat(page.locator("#request-" + id + " .exact-rows"))
                    .containsText("Would change exactly 5000 rows (counted by running it in a transaction Vigil rolled"
                            + " back at once)");
            assertThat(page.locator("#request-" + id + " .estimated-rows")).containsText("an estimate");
            assertThat(page.locator("#request-" + id + " .plan")).containsText("Plan (EXPLAIN");
            page.navigate(BASE_URL + "/approvals");
            assertThat(page.locator("#nav-count-approvals")).hasText("1");
            Path shots = Path.of("target/screenshots");
            Files.createDirectories(shots);
            for (int width : new int[] {1366, 1920}) {
                page.setViewportSize(width, width == 1366 ? 768 : 1080);
                page.screenshot(new Page.ScreenshotOptions()
                        .setPath(shots.resolve("approver-approvals-" + width + ".png"))
                        .setFullPage(true));
            }
            org.assertj.core.api.Assertions.assertThat(update)
                    .as("the agent waits")
                    .isNotDone();
            // The approver heard of it by mail, and the chat tool by its webhook: a link, never the statement.
            awaitShipped(io.vigil.db.jooq.Tables.PERSON_ACTION
                    .ACTION
                    .eq("approval.notify")
                    .and(io.vigil.db.jooq.Tables.PERSON_ACTION.SUBJECT_ID.eq(id)));
            List<String> mails = java.util.Arrays.stream(MAIL.getReceivedMessages())
                    .filter(m -> {
                        try {
                            return java.util.Arrays.stream(m.getAllRecipients())
                                    .anyMatch(r -> r.toString().equals("approver@vigil.example"));
                        } catch (jakarta.mail.MessagingException e) {
                            return false;
                        }
                    })
                    .map(com.icegreen.greenmail.util.GreenMailUtil::getBody)
                    .filter(body -> body.contains(id.toString()))
                    .toList();
            org.assertj.core.api.Assertions.assertThat(mails)
                    .singleElement()
                    .asString()
                    .contains(BASE_URL + "/approvals#request-" + id, "analytics-etl")
                    .doesNotContain("update orders", "status");
            org.assertj.core.api.Assertions.assertThat(WEBHOOK.posts())
                    .filteredOn(p -> p.body().contains(id.toString()))
                    .singleElement()
                    .satisfies(p -> {
                        org.assertj.core.api.Assertions.assertThat(p.authorization())
                                .isEqualTo("Bearer " + WEBHOOK_TOKEN);
                        org.assertj.core.api.Assertions.assertThat(p.body())
                                .contains("\"event\":\"approval.requested\"", "/approvals#request-" + id)
                                .doesNotContain("update orders");
                    });

            page.locator("#request-" + id + " .approve").click();

            org.assertj.core.api.Assertions.assertThat(update.get())
                    .as("it ran, as sent, and changed what the approver was shown")
                    .isEqualTo(5000);
            assertThat(page.locator("#approval-requests")).containsText("Nothing waits for approval.");
            // The session's replay says, on the statement's row, who approved it and how long it waited.
            UUID session = store.select(APPROVAL_REQUEST.SESSION_ID)
                    .from(APPROVAL_REQUEST)
                    .where(APPROVAL_REQUEST.ID.eq(id))
                    .fetchSingle(APPROVAL_REQUEST.SESSION_ID);
            signIn("admin", Role.ADMIN);
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            String row;
            do {
                Thread.sleep(100);
                row = sessions.statements(session, 0, 50).stream()
                        .filter(st -> st.sql().equals(EVERY_ROW))
                        .map(io.vigil.review.sessions.StatementEntry::outcomeText)
                        .findFirst()
                        .orElse("");
            } while (!row.contains("approved") && System.nanoTime() < deadline);
            org.assertj.core.api.Assertions.assertThat(row).matches("UPDATE 5000 · approved by approver after \\d+ s");
            // The agent's page counts what it put to a person.
            UUID agent = store.select(APPROVAL_REQUEST.AGENT_ID)
                    .from(APPROVAL_REQUEST)
                    .where(APPROVAL_REQUEST.ID.eq(id))
                    .fetchSingle(APPROVAL_REQUEST.AGENT_ID);
            try (Page admin = signedIn("admin", Role.ADMIN)) {
                admin.navigate(BASE_URL + "/agent/" + agent);
                assertThat(admin.locator("#approval-totals"))
                        .containsText("statements asked for a person's approval in the last 30 days:");
                assertThat(admin.locator("#approval-totals")).containsText("approved");
            }

            awaitShipped(io.vigil.db.jooq.Tables.PERSON_ACTION
                    .ACTION
                    .eq("approval.approve")
                    .and(io.vigil.db.jooq.Tables.PERSON_ACTION.SUBJECT_ID.eq(id))
                    .and(io.vigil.db.jooq.Tables.PERSON_ACTION.ACTOR.eq("approver")));
        }
    }

    @Test
    void deniedTheAgentIsToldTheApproversReason() throws Exception {
        String sql = "update orders set status = status where true";
        try (Page page = signedIn("approver", Role.APPROVER)) {
            CompletableFuture<Object> update = sendAsAnalytics(sql);
            UUID id = awaitPending(sql);
            page.navigate(BASE_URL + "/approvals");
            page.locator("#request-" + id + " vaadin-text-field input").fill("not during the freeze");
            page.locator("#request-" + id + " .deny").click();

            Object denied = update.get();
            org.assertj.core.api.Assertions.assertThat(denied).isInstanceOf(SQLException.class);
            org.assertj.core.api.Assertions.assertThat(((SQLException) denied).getSQLState())
                    .isEqualTo("42501");
            org.assertj.core.api.Assertions.assertThat(((SQLException) denied).getMessage())
                    .contains("denied by approver: not during the freeze");
        }
    }

    /** psql as analytics-etl, running {@code sql} with -c: its output, once it exits. */
    private Process psql(String sql) throws java.io.IOException {
        ProcessBuilder psql = new ProcessBuilder(
                        "psql",
                        "-X",
                        "-h",
                        "127.0.0.1",
                        "-p",
                        Integer.toString(gateway.address().getPort()),
                        "-U",
                        "analytics-etl",
                        "-d",
                        "shop",
                        "-c",
                        sql)
                .redirectErrorStream(true);
        psql.environment().put("PGPASSWORD", agents.secretOf("analytics-etl"));
        return psql.start();
    }

    private static String outputOf(Process p) throws Exception {
        org.assertj.core.api.Assertions.assertThat(p.waitFor(20, java.util.concurrent.TimeUnit.SECONDS))
                .as("psql exits")
                .isTrue();
        return new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }

    @Test
    void psqlWaitsUntilApprovedInTheBrowserOrDeniedAndCtrlCEndsTheWait() throws Exception {
        String approved = "update orders set status = status where 5 = 5";
        Process first = psql(approved);
        UUID id = awaitPending(approved);
        try (Page page = signedIn("approver", Role.APPROVER)) {
            page.navigate(BASE_URL + "/approvals");
            // Once measured: the card is redrawn when its blast radius arrives.
            assertThat(page.locator("#request-" + id + " .exact-rows")).containsText("5000 rows");
            page.locator("#request-" + id + " .approve").click();
            // Decided once the page says so: closing it sooner could lose the click on its way.
            assertThat(page.locator("#request-" + id)).hasCount(0);
        }
        org.assertj.core.api.Assertions.assertThat(outputOf(first)).contains("UPDATE 5000");

        String denied = "update orders set status = status where 6 = 6";
        Process second = psql(denied);
        UUID refused = awaitPending(denied);
        signIn("approver", Role.APPROVER);
        approvals.deny(refused, "not today");
        org.assertj.core.api.Assertions.assertThat(outputOf(second)).contains("ERROR:  denied by approver: not today");

        // Ctrl-C: psql sends a cancel request, which ends the wait as a cancelled statement.
        String cancelled = "update orders set status = status where 7 = 7";
        Process third = psql(cancelled);
        UUID withdrawn = awaitPending(cancelled);
        new ProcessBuilder("kill", "-INT", Long.toString(third.pid())).start().waitFor();
        org.assertj.core.api.Assertions.assertThat(outputOf(third)).contains("canceling statement due to user request");
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!"withdrawn"
                        .equals(store.select(APPROVAL_REQUEST.STATE)
                                .from(APPROVAL_REQUEST)
                                .where(APPROVAL_REQUEST.ID.eq(withdrawn))
                                .fetchSingle(APPROVAL_REQUEST.STATE))
                && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        org.assertj.core.api.Assertions.assertThat(store.select(APPROVAL_REQUEST.STATE)
                        .from(APPROVAL_REQUEST)
                        .where(APPROVAL_REQUEST.ID.eq(withdrawn))
                        .fetchSingle(APPROVAL_REQUEST.STATE))
                .isEqualTo("withdrawn");
    }

    @Test
    void anAdministratorApprovesAheadOfTimeThenWithdrawsIt() throws Exception {
        String sql = "update orders set status = status where 4 = 4";
        CompletableFuture<Object> first = sendAsAnalytics(sql);
        UUID id = awaitPending(sql);
        UUID agent;
        try (Page page = signedIn("admin", Role.ADMIN)) {
            page.navigate(BASE_URL + "/approvals");
            page.locator("#request-" + id + " .standing").click();
            page.locator("#standing-uses input").fill("2");
            page.locator("#standing-reason input").fill("nightly status refresh, ticket OPS-7");
            page.locator("#standing-grant").click();
            org.assertj.core.api.Assertions.assertThat(first.get())
                    .as("approved: it ran")
                    .isEqualTo(5000);

            Thread.sleep(1_000); // the gateway reads standing approvals every quarter second
            org.assertj.core.api.Assertions.assertThat(
                            sendAsAnalytics(sql).get(10, java.util.concurrent.TimeUnit.SECONDS))
                    .as("standing: it runs without asking")
                    .isEqualTo(5000);

            agent = store.select(APPROVAL_REQUEST.AGENT_ID)
                    .from(APPROVAL_REQUEST)
                    .where(APPROVAL_REQUEST.ID.eq(id))
                    .fetchSingle(APPROVAL_REQUEST.AGENT_ID);
            page.navigate(BASE_URL + "/agent/" + agent);
            assertThat(page.locator("#standing-approvals")).containsText("nightly status refresh, ticket OPS-7");
            assertThat(page.locator("#standing-approvals")).containsText("1 run left");
            page.locator("#standing-approvals .withdraw-standing").click();
            assertThat(page.locator("#standing-approvals")).containsText("withdrawn by admin");
        }
        Thread.sleep(1_000); // a withdrawal bites within a second
        CompletableFuture<Object> third = sendAsAnalytics(sql);
        UUID again = awaitPending(sql);
        org.assertj.core.api.Assertions.assertThat(third)
                .as("withdrawn: it waits for a person")
                .isNotDone();
        signIn("approver", Role.APPROVER);
        approvals.deny(again, "standing approval withdrawn");
        org.assertj.core.api.Assertions.assertThat(third.get()).isInstanceOf(SQLException.class);
        awaitShipped(io.vigil.db.jooq.Tables.PERSON_ACTION.ACTION.eq("approval.standing-withdraw"));
        awaitShipped(io.vigil.db.jooq.Tables.PERSON_ACTION.ACTION.eq("approval.standing-use"));
    }

    @Test
    void aRuleAskingForTwoApproversWaitsForASecondDifferentOne() throws Exception {
        String sql = "update orders set status = status where 2 = 2";
        CompletableFuture<Object> update = sendAsAnalytics(sql);
        UUID id = awaitPending(sql);
        store.update(APPROVAL_REQUEST)
                .set(APPROVAL_REQUEST.APPROVALS_NEEDED, 2)
                .where(APPROVAL_REQUEST.ID.eq(id))
                .execute();
        signIn("approver", Role.APPROVER);
        approvals.approve(id, "looks fine");
        assertThatThrownBy(() -> approvals.approve(id, "again"))
                .as("one person, one approval")
                .hasMessageContaining("another person must");
        Thread.sleep(1_000);
        org.assertj.core.api.Assertions.assertThat(update)
                .as("one approval of two: it waits")
                .isNotDone();
        org.assertj.core.api.Assertions.assertThat(approvals.pending())
                .filteredOn(r -> r.id().equals(id))
                .singleElement()
                .satisfies(r -> org.assertj.core.api.Assertions.assertThat(r.approvedBy())
                        .containsExactly("approver"));
        signIn("second-approver", Role.APPROVER);
        approvals.approve(id, "");
        org.assertj.core.api.Assertions.assertThat(update.get()).isEqualTo(5000);
    }

    @Test
    void aRuleNamingTheOwnerLetsOnlyTheOwnerDecide() throws Exception {
        String sql = "update orders set status = status where 3 = 3";
        CompletableFuture<Object> update = sendAsAnalytics(sql);
        UUID id = awaitPending(sql);
        store.update(APPROVAL_REQUEST)
                .set(APPROVAL_REQUEST.APPROVERS, "owner")
                .where(APPROVAL_REQUEST.ID.eq(id))
                .execute();
        signIn("approver", Role.APPROVER);
        assertThatThrownBy(() -> approvals.approve(id, ""))
                .isInstanceOf(AccessDeniedException.class)
                .hasMessageContaining("only the agent's owner");
        String owner = store.select(io.vigil.db.jooq.Tables.AGENT.OWNER)
                .from(io.vigil.db.jooq.Tables.AGENT)
                .where(io.vigil.db.jooq.Tables.AGENT.NAME.eq("analytics-etl"))
                .fetchSingle(io.vigil.db.jooq.Tables.AGENT.OWNER);
        signIn(owner, Role.OWNER);
        approvals.deny(id, "not now");
        org.assertj.core.api.Assertions.assertThat(update.get()).isInstanceOf(SQLException.class);
    }

    @Test
    void nobodyDecidesAStatementOfAnAgentThatIsThemAndTheAttemptIsRecorded() throws Exception {
        String sql = "update orders set status = status where 1 = 1";
        CompletableFuture<Object> update = sendAsAnalytics(sql);
        UUID id = awaitPending(sql);
        signIn("analytics-etl", Role.APPROVER);
        assertThatThrownBy(() -> approvals.approve(id, "")).isInstanceOf(AccessDeniedException.class);
        awaitShipped(io.vigil.db.jooq.Tables.PERSON_ACTION
                .ACTION
                .eq("approval.refused")
                .and(io.vigil.db.jooq.Tables.PERSON_ACTION.SUBJECT_ID.eq(id)));
        // The person the agent's token said it acts for, as the gateway filed it with the request.
        store.update(APPROVAL_REQUEST)
                .set(APPROVAL_REQUEST.ON_BEHALF_OF, "dana.approver")
                .where(APPROVAL_REQUEST.ID.eq(id))
                .execute();
        signIn("dana.approver", Role.APPROVER);
        assertThatThrownBy(() -> approvals.approve(id, ""))
                .as("nobody approves a statement made on their own behalf")
                .isInstanceOf(AccessDeniedException.class);
        signIn("owner", Role.OWNER);
        assertThatThrownBy(() -> approvals.deny(id, "")).isInstanceOf(AccessDeniedException.class);
        signIn("approver", Role.APPROVER);
        approvals.deny(id, "separation of duties test");
        org.assertj.core.api.Assertions.assertThat(update.get()).isInstanceOf(SQLException.class);
    }
}
