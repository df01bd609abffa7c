package io.vigil.review;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static io.vigil.db.jooq.Tables.AGENT;
import static io.vigil.db.jooq.Tables.STATEMENT_VIEW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import io.vigil.review.agents.AgentSecrets;
import io.vigil.review.demo.DemoAgents;
import io.vigil.review.gateway.EmbeddedGateway;
import io.vigil.review.security.DemoUsers;
import io.vigil.review.security.Role;
import io.vigil.review.sessions.SessionService;
import java.io.IOException;
import java.net.ServerSocket;
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
import org.jooq.DSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.authentication.TestingAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The whole demo stack, end to end: an agent runs a statement through the gateway with pgjdbc, then
 * its owner signs in through the built-in identity provider in a real browser and finds it on the
 * Sessions page.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.DEFINED_PORT)
class SessionsPageIT {

    static final Path DATA_DIR = tempDir();
    static final int HTTP_PORT = freePort();
    static final String BASE_URL = "http://127.0.0.1:" + HTTP_PORT;

    static Playwright playwright;
    static Browser browser;

    @Autowired
    EmbeddedGateway gateway;

    @Autowired
    DemoAgents agents;

    @Autowired
    DemoUsers users;

    @Autowired
    DSLContext store;

    @Autowired
    SessionService sessions;

    @Autowired
    AgentSecrets agentSecrets;

    @DynamicPropertySource
    static void demo(DynamicPropertyRegistry registry) {
        registry.add("vigil.demo", () -> "true");
        registry.add("vigil.data-dir", DATA_DIR::toString);
        registry.add("server.port", () -> HTTP_PORT);
        registry.add("vigil.gateway.port", () -> 0);
        registry.add("vigil.trail.export-file", () -> DATA_DIR.resolve("siem/trail.jsonl")
                .toString());
        registry.add("vigil.trail.checkpoint-interval", () -> "200ms");
    }

    @BeforeAll
    static void launchBrowser() {
        playwright = Playwright.create(
                new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
        browser = playwright
                .chromium()
                .launch(new BrowserType.LaunchOptions()
                        .setExecutablePath(Path.of("/usr/bin/chromium"))
                        .setHeadless(true)
                        .setArgs(List.of(
                                "--no-sandbox",
                                "--disable-gpu",
                                "--disable-dev-shm-usage",
                                "--no-first-run",
                                "--disable-background-networking",
                                "--disable-component-update")));
    }

    @AfterAll
    static void closeBrowser() {
        browser.close();
        playwright.close();
    }

    @Test
    void anOwnerSignsInAndSeesTheStatementTheirAgentJustRan() throws Exception {
        String marker = "playwright-" + UUID.randomUUID();
        String sql = "select '" + marker + "' as marker, count(*) from customers";
        runAs("support-copilot", sql);
        runAs("analytics-etl", "select 'not for owner' as marker");
        awaitRecorded(sql);

        try (Page page = browser.newPage()) {
            page.navigate(BASE_URL + "/");
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
                .limit(1)
                .fetchSingle(io.vigil.db.jooq.Tables.SESSION.ID);
        try {
            signIn("owner", Role.OWNER);
            assertThatThrownBy(() -> sessions.statements(othersSession, 0, 10))
                    .isInstanceOf(AccessDeniedException.class);
            assertThat(sessions.sessions(0, 100)).extracting(s -> s.agent()).doesNotContain("analytics-etl");
            signIn("auditor", Role.AUDITOR);
            assertThat(sessions.statements(othersSession, 0, 10)).isNotEmpty();
            SecurityContextHolder.clearContext();
            assertThatThrownBy(() -> sessions.sessions(0, 10)).isInstanceOf(AccessDeniedException.class);
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
        UUID agent = agentId("ci-migrations");
        String old = agents.secretOf("ci-migrations");
        String url = "jdbc:postgresql://127.0.0.1:" + gateway.address().getPort() + "/shop";
        String fresh = agentSecrets.rotate(agent, Duration.ofSeconds(2));
        DriverManager.getConnection(url, "ci-migrations", old).close();
        DriverManager.getConnection(url, "ci-migrations", fresh).close();
        Thread.sleep(2_500);
        assertThatThrownBy(() ->
                        DriverManager.getConnection(url, "ci-migrations", old).close())
                .isInstanceOf(SQLException.class)
                .extracting(e -> ((SQLException) e).getSQLState())
                .isEqualTo("28P01");
        DriverManager.getConnection(url, "ci-migrations", fresh).close();
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

    private UUID agentId(String name) {
        return store.select(AGENT.ID).from(AGENT).where(AGENT.NAME.eq(name)).fetchSingle(AGENT.ID);
    }

    private static void signIn(String name, Role role) {
        SecurityContextHolder.getContext()
                .setAuthentication(new TestingAuthenticationToken(
                        name, null, List.of(new SimpleGrantedAuthority(role.authority()))));
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

    private void runAs(String agent, String sql) throws Exception {
        String url = "jdbc:postgresql://127.0.0.1:" + gateway.address().getPort() + "/shop";
        try (Connection c = DriverManager.getConnection(url, agent, agents.secretOf(agent));
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            assertThat(rs.next()).isTrue();
        }
    }

    private void awaitRecorded(String sql) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (store.fetchCount(
                        STATEMENT_VIEW, STATEMENT_VIEW.SQL_TEXT.eq(sql).and(STATEMENT_VIEW.DURATION_US.isNotNull()))
                == 0) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("statement was not recorded within 10 s: " + sql);
            }
            Thread.sleep(50);
        }
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("vigil-it");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
