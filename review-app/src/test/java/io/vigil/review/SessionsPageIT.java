package io.vigil.review;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static io.vigil.db.jooq.Tables.STATEMENT_VIEW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.microsoft.playwright.Page;
import io.vigil.proxy.audit.Judgement;
import io.vigil.review.security.Role;
import io.vigil.review.sessions.SessionFilter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.context.SecurityContextHolder;

/**
 * The whole demo stack, end to end: an agent runs a statement through the gateway with pgjdbc, then
 * its owner signs in through the built-in identity provider in a real browser and finds it on the
 * Sessions page.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.DEFINED_PORT)
class SessionsPageIT extends DemoStack {

    @Test
    void anOwnerSignsInAndSeesTheStatementTheirAgentJustRan() throws Exception {
        String marker = "playwright-" + UUID.randomUUID();
        String sql = "select '" + marker + "' as marker, count(*) from customers";
        runAs("support-copilot", sql);
        runAs("analytics-etl", "select 'not for owner' as marker");
        awaitRecorded(sql);

        try (Page page = browser.newPage()) {
            page.navigate(BASE_URL + "/sessions");
            // Not signed in: the web app sends the browser to the identity provider's sign-in form.
            page.locator("#username").fill("owner");
            page.locator("#password").fill(users.withRole(Role.OWNER).password());
            page.locator("button[type=submit]").click();

            page.waitForURL(url -> url.startsWith(BASE_URL) && !url.contains("login") && !url.contains("oauth2"));
            assertThat(page.locator("#signed-in-as")).containsText("owner (owner)");
            assertThat(page.locator("#sessions")).containsText("support-copilot");
            // Server-side authorization: another owner's agent is not listed.
            assertThat(page.locator("#sessions")).not().containsText("analytics-etl");

            page.locator("vaadin-grid-cell-content")
                    .filter(new com.microsoft.playwright.Locator.FilterOptions().setHasText("support-copilot"))
                    .first()
                    .click();
            assertThat(page.locator("#statements")).containsText(marker);
            assertThat(page.locator("#statements")).containsText("SELECT 1");
        }
    }

    @Test
    void theServiceAuthorizesEveryCallNotJustTheView() throws Exception {
        runAs("analytics-etl", "select 1");
        awaitRecorded("select 1");
        UUID othersSession = store.select(io.vigil.db.jooq.Tables.SESSION.ID)
                .from(io.vigil.db.jooq.Tables.SESSION)
                .join(io.vigil.db.jooq.Tables.AGENT)
                .on(io.vigil.db.jooq.Tables.AGENT.ID.eq(io.vigil.db.jooq.Tables.SESSION.AGENT_ID))
                .where(io.vigil.db.jooq.Tables.AGENT.NAME.eq("analytics-etl"))
                // One with statements: other tests' sessions of this agent may have none.
                .andExists(org.jooq
                        .impl
                        .DSL
                        .selectOne()
                        .from(io.vigil.db.jooq.Tables.STATEMENT)
                        .where(io.vigil.db.jooq.Tables.STATEMENT.SESSION_ID.eq(io.vigil.db.jooq.Tables.SESSION.ID)))
                .limit(1)
                .fetchSingle(io.vigil.db.jooq.Tables.SESSION.ID);
        try {
            signIn("owner", Role.OWNER);
            assertThatThrownBy(() -> sessions.statements(othersSession, 0, 10))
                    .isInstanceOf(AccessDeniedException.class);
            assertThat(sessions.sessions(SessionFilter.ANY, 0, 100))
                    .extracting(s -> s.agent())
                    .doesNotContain("analytics-etl");
            assertThatThrownBy(() -> sessions.integrity(othersSession)).isInstanceOf(AccessDeniedException.class);
            assertThatThrownBy(() -> sessions.end(othersSession, "not mine")).isInstanceOf(AccessDeniedException.class);
            assertThat(sessions.agentNames()).contains("support-copilot").doesNotContain("analytics-etl");
            signIn("auditor", Role.AUDITOR);
            assertThat(sessions.statements(othersSession, 0, 10)).isNotEmpty();
            // Auditors read everything and change nothing.
            assertThatThrownBy(() -> sessions.end(othersSession, "curious")).isInstanceOf(AccessDeniedException.class);
            SecurityContextHolder.clearContext();
            assertThatThrownBy(() -> sessions.sessions(SessionFilter.ANY, 0, 10))
                    .isInstanceOf(AccessDeniedException.class);
        } finally {
            SecurityContextHolder.clearContext();
        }
    }

    @Test
    void aReplacedSecretStopsWorking() throws Exception {
        UUID agent = agentId("billing-reconciler");
        String old = agents.secretOf("billing-reconciler");
        String fresh = agentSecrets.replace(agent);
        String url = "jdbc:postgresql://127.0.0.1:" + gateway.address().getPort() + "/shop";
        assertThatThrownBy(() -> DriverManager.getConnection(url, "billing-reconciler", old)
                        .close())
                .isInstanceOf(SQLException.class)
                .extracting(e -> ((SQLException) e).getSQLState())
                .isEqualTo("28P01");
        DriverManager.getConnection(url, "billing-reconciler", fresh).close();
        assertThat(store.fetchValue(
                        "select scram_verifier from vigil.agent_credential where agent_id = ? and revoked_at is null",
                        agent))
                .asString()
                .startsWith("SCRAM-SHA-256$4096:")
                .doesNotContain(fresh);
    }

    @Test
    void aRotatedSecretOverlapsWithTheOldOneThenTheOldOneStops() throws Exception {
        // An agent of its own: no other test may hold a secret this one retires.
        signIn("admin", Role.ADMIN);
        var created = agentService.create(new io.vigil.review.agents.NewAgent(
                "rotating-" + System.nanoTime() % 100_000, "admin", "rotation test", shop(), null, null, false));
        signOut();
        UUID agent = created.id();
        String name = created.name();
        String old = created.secret();
        String url = "jdbc:postgresql://127.0.0.1:" + gateway.address().getPort() + "/shop";
        String fresh = agentSecrets.rotate(agent, Duration.ofSeconds(2));
        DriverManager.getConnection(url, name, old).close();
        DriverManager.getConnection(url, name, fresh).close();
        Thread.sleep(2_500);
        assertThatThrownBy(() -> DriverManager.getConnection(url, name, old).close())
                .isInstanceOf(SQLException.class)
                .extracting(e -> ((SQLException) e).getSQLState())
                .isEqualTo("28P01");
        DriverManager.getConnection(url, name, fresh).close();
    }

    @org.springframework.beans.factory.annotation.Autowired
    io.vigil.review.agents.AgentService agentService;

    private UUID shop() {
        return store.select(io.vigil.db.jooq.Tables.TARGET.ID)
                .from(io.vigil.db.jooq.Tables.TARGET)
                .where(io.vigil.db.jooq.Tables.TARGET.NAME.eq("shop"))
                .fetchSingle(io.vigil.db.jooq.Tables.TARGET.ID);
    }

    @Test
    void theDemoGatewayAcceptsTls() throws Exception {
        String url = "jdbc:postgresql://127.0.0.1:" + gateway.address().getPort() + "/shop?sslmode=require";
        try (Connection c = DriverManager.getConnection(url, "support-copilot", agents.secretOf("support-copilot"));
                ResultSet rs = c.createStatement().executeQuery("select count(*) from customers")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(1)).isEqualTo(2000);
        }
    }

    @Test
    void sessionsNarrowByAgentTargetTimeKindAndRelation() throws Exception {
        String tag = UUID.randomUUID().toString();
        String read = "select count(*) from public.payments where '" + tag + "' <> ''";
        String write = "update orders set status = status where id = -1 and '" + tag + "' <> ''";
        // (analytics-etl: the other tests replace or rotate billing-reconciler's secret)
        runAs("analytics-etl", read);
        executeAs("analytics-etl", write);
        UUID reading = sessionOf(read);
        UUID writing = sessionOf(write);
        // Denied by the demo's baseline policy: never run, recorded as refused, its session findable.
        String drop = "drop table orders /* " + tag + " */";
        assertThatThrownBy(() -> executeAs("analytics-etl", drop))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("rule 'no-drop'");
        awaitRecorded(drop);
        UUID denied = sessionOf(drop);
        String target = store.select(io.vigil.db.jooq.Tables.TARGET.NAME)
                .from(io.vigil.db.jooq.Tables.TARGET)
                .limit(1)
                .fetchSingle(io.vigil.db.jooq.Tables.TARGET.NAME);
        signIn("auditor", Role.AUDITOR);
        try {
            SessionFilter etl = SessionFilter.ANY.withAgent("analytics-etl");
            assertThat(ids(etl)).contains(reading, writing);
            assertThat(sessions.sessions(etl, 0, 1_000)).allMatch(s -> s.agent().equals("analytics-etl"));
            assertThat(ids(SessionFilter.ANY.withAgent("support-copilot"))).doesNotContain(reading, writing);
            assertThat(ids(etl.withTarget(target))).contains(reading, writing);
            assertThat(ids(etl.withTarget("no-such-target"))).isEmpty();

            assertThat(ids(etl.withKind("write"))).contains(writing).doesNotContain(reading);
            assertThat(ids(etl.withKind("read"))).contains(reading).doesNotContain(writing);
            assertThat(ids(etl.withKind("ddl"))).doesNotContain(reading, writing);
            assertThat(ids(etl.withStopped(Judgement.Effect.DENY)))
                    .contains(denied)
                    .doesNotContain(reading, writing);
            assertThat(ids(etl.withStopped(Judgement.Effect.REVIEW))).doesNotContain(denied, reading, writing);

            // A bare name matches it in any schema; a qualified one only itself; no wildcards.
            assertThat(ids(etl.withRelation("payments"))).contains(reading).doesNotContain(writing);
            assertThat(ids(etl.withRelation("public.payments"))).contains(reading);
            assertThat(ids(etl.withRelation("orders"))).contains(writing).doesNotContain(reading);
            assertThat(ids(etl.withRelation("ayments"))).doesNotContain(reading);
            assertThat(ids(etl.withRelation("%"))).isEmpty();
            assertThat(ids(etl.withRelation("other.payments"))).doesNotContain(reading);

            java.time.OffsetDateTime now = java.time.OffsetDateTime.now(java.time.ZoneOffset.UTC);
            assertThat(ids(etl.withTimes(now.minusMinutes(10), now.plusMinutes(1))))
                    .contains(reading, writing);
            assertThat(ids(etl.withTimes(null, now.minusHours(1)))).doesNotContain(reading, writing);
            assertThat(ids(etl.withTimes(now.plusHours(1), null))).doesNotContain(reading, writing);
        } finally {
            SecurityContextHolder.clearContext();
        }
    }

    @Test
    void anAdminOpensALiveSessionsReplayAndEndsIt() throws Exception {
        String url = "jdbc:postgresql://127.0.0.1:" + gateway.address().getPort() + "/shop";
        String marker = "replay-" + UUID.randomUUID();
        String sql = "select count(*) from customers where full_name <> ? and email <> ? and '" + marker + "' <> ''";
        try (Connection agent =
                        DriverManager.getConnection(url, "support-copilot", agents.secretOf("support-copilot"));
                Statement s = agent.createStatement()) {
            try (java.sql.PreparedStatement p = agent.prepareStatement(sql)) {
                p.setString(1, marker);
                p.setString(2, "nobody@example.com");
                p.executeQuery().close();
            }
            UUID session = sessionOf(sql.replaceFirst("\\?", "\\$1").replaceFirst("\\?", "\\$2"));
            awaitSigned(session);
            try (Page page = signedIn("admin", Role.ADMIN)) {
                page.navigate(BASE_URL + "/session/" + session);
                assertThat(page.locator("#session-title")).containsText("support-copilot");
                assertThat(page.locator("#session-status")).containsText("live");
                assertThat(page.locator("#integrity")).containsText("Chain intact");
                assertThat(page.locator("#integrity")).containsText("all within the checkpoint signed");
                assertThat(page.locator("#statements")).containsText("$1='" + marker + "', $2='nobody@example.com'");
                assertThat(page.locator("#statements")).containsText("customers");

                page.locator("#end-session").click();
                page.locator("#end-reason textarea").fill("looping on customers");
                page.locator("#end-confirm").click();
                assertThat(page.locator("#session-status")).containsText("ended");
                assertThat(page.locator("#detail-ended")).containsText("session ended by admin in Vigil");
            }
            assertThatThrownBy(() -> s.execute("select 1"))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("looping on customers")
                    .extracting(e -> ((SQLException) e).getSQLState())
                    .isEqualTo("57P01");
        }
        assertThat(store.fetchCount(
                        io.vigil.db.jooq.Tables.PERSON_ACTION,
                        io.vigil.db.jooq.Tables.PERSON_ACTION
                                .ACTION
                                .eq("session.end")
                                .and(io.vigil.db.jooq.Tables.PERSON_ACTION.ACTOR.eq("admin"))
                                .and(io.vigil.db.jooq.Tables.PERSON_ACTION.DETAIL.eq("looping on customers"))))
                .as("the administrator's action is a trail record")
                .isEqualTo(1);
    }

    @Test
    void anOwnerFindsTheirSessionsByFilterAndCannotEndThem() throws Exception {
        String sql = "select 'owner-filter-" + UUID.randomUUID() + "' as marker";
        runAs("support-copilot", sql);
        UUID session = sessionOf(sql);
        UUID othersSession = sessionOf("select 'for analytics only' as marker", "analytics-etl");
        try (Page page = signedIn("owner", Role.OWNER)) {
            page.navigate(BASE_URL + "/sessions?agent=support-copilot&kind=read");
            assertThat(page.locator("#sessions")).containsText("support-copilot");
            assertThat(page.locator("#sessions")).not().containsText("billing-reconciler");
            page.navigate(BASE_URL + "/sessions?agent=support-copilot&kind=privilege");
            assertThat(page.locator("#sessions")).not().containsText("support-copilot");
            page.navigate(BASE_URL + "/session/" + session);
            assertThat(page.locator("#statements")).containsText("owner-filter-");
            assertThat(page.locator("#end-session")).isHidden();
            page.navigate(BASE_URL + "/session/" + othersSession);
            assertThat(page.locator("#no-session")).isVisible();
        }
    }

    @Test
    void aTamperedSessionShowsWhichRecordFailsItsChain() throws Exception {
        String sql = "select 'tamper-" + UUID.randomUUID() + "' as marker";
        runAs("analytics-etl", sql);
        UUID session = sessionOf(sql);
        try (Connection c = storeServer.superuserDataSource("vigil").getConnection();
                Statement s = c.createStatement()) {
            s.execute("set session_replication_role = replica");
            s.execute("update vigil.statement set sql_text = 'select ''nothing happened''' where session_id = '"
                    + session + "'");
        }
        signIn("auditor", Role.AUDITOR);
        try {
            var proof = sessions.integrity(session);
            assertThat(proof.intact()).isFalse();
            assertThat(proof.summary()).startsWith("TAMPERED");
            assertThat(proof.findings())
                    .anyMatch(f -> f.contains("statement 1 started") && f.contains("does not match its hash"));
        } finally {
            SecurityContextHolder.clearContext();
        }
    }

    @Test
    void retentionDropsTheMonthsOlderThanItsSettingAndKeepsTheRest() throws Exception {
        String sql = "select 'kept-" + UUID.randomUUID() + "' as marker";
        runAs("analytics-etl", sql);
        awaitRecorded(sql);
        store.execute("create table vigil.statement_2020_01 partition of vigil.statement"
                + " for values from ('2020-01-01') to ('2020-02-01')");
        assertThat(retention.pruneNow()).isEqualTo(1);
        assertThat(store.fetchValue("select to_regclass('vigil.statement_2020_01')"))
                .isNull();
        assertThat(store.fetchCount(STATEMENT_VIEW, STATEMENT_VIEW.SQL_TEXT.eq(sql)))
                .isOne();
        assertThat(retention.pruneNow()).isZero();
    }

    private List<UUID> ids(SessionFilter filter) {
        return sessions.sessions(filter, 0, 1_000).stream()
                .map(io.vigil.review.sessions.SessionSummary::id)
                .toList();
    }

    private UUID sessionOf(String sql) throws InterruptedException {
        awaitRecorded(sql);
        return store.select(STATEMENT_VIEW.SESSION_ID)
                .from(STATEMENT_VIEW)
                .where(STATEMENT_VIEW.SQL_TEXT.eq(sql))
                .limit(1)
                .fetchSingle(STATEMENT_VIEW.SESSION_ID);
    }

    private UUID sessionOf(String sql, String agent) throws Exception {
        runAs(agent, sql);
        return sessionOf(sql);
    }

    /** Until every record of the session so far is under a signed checkpoint. */
    private void awaitSigned(UUID session) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        signIn("auditor", Role.AUDITOR);
        try {
            while (true) {
                var proof = sessions.integrity(session);
                if (proof.records() > 0 && proof.signed() == proof.records()) {
                    return;
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("not signed within 10 s: " + proof.summary());
                }
                Thread.sleep(100);
            }
        } finally {
            SecurityContextHolder.clearContext();
        }
    }

    @Test
    void theTrailIsSignedWithTheDataDirectorysKeyAndStreamedToTheSiemFile() throws Exception {
        String sql = "select 'siem-" + UUID.randomUUID() + "' as marker";
        runAs("analytics-etl", sql);
        awaitRecorded(sql);
        Path file = DATA_DIR.resolve("siem/trail.jsonl");
        Path publicKey = DATA_DIR.resolve("secrets/trail-signing.key.pub");
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        String verdict = "";
        while (!verdict.contains("verdict: intact") && System.nanoTime() < deadline) {
            Thread.sleep(200);
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            io.vigil.proxy.audit.verify.AuditCommand.run(
                    List.of("verify", "--public-key", publicKey.toString(), "--export", file.toString()),
                    Map.of(),
                    new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8));
            verdict = out.toString(java.nio.charset.StandardCharsets.UTF_8);
        }
        assertThat(verdict).contains("verdict: intact").contains("valid checkpoints, the latest");
        assertThat(Files.readString(file)).contains(sql).contains("\"type\":\"checkpoint\"");
    }
}
