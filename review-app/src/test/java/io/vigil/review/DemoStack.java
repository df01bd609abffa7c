package io.vigil.review;

import static io.vigil.db.jooq.Tables.AGENT;
import static io.vigil.db.jooq.Tables.CAMPAIGN;
import static io.vigil.db.jooq.Tables.STATEMENT_VIEW;
import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import io.vigil.review.agents.AgentSecrets;
import io.vigil.review.demo.DemoAgents;
import io.vigil.review.gateway.EmbeddedGateway;
import io.vigil.review.security.DemoUsers;
import io.vigil.review.security.Role;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jooq.DSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.security.authentication.TestingAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The whole demo stack, shared by the web app's integration tests (one Spring context, one embedded
 * PostgreSQL, one gateway, one browser): helpers to run statements as agents, sign in as people
 * in the service layer, and sign in through the built-in identity provider in a real browser.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.DEFINED_PORT)
abstract class DemoStack {

    static final Path DATA_DIR = tempDir();
    static final int HTTP_PORT = freePort();
    static final String BASE_URL = "http://127.0.0.1:" + HTTP_PORT;
    /** The mail server reminders and escalations go to: in this process, read back by the tests. */
    static final GreenMail MAIL = startMail();

    static final WebhookInbox WEBHOOK = WebhookInbox.start();
    static final String WEBHOOK_TOKEN = "hook-token-for-tests";

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
    io.vigil.review.sessions.SessionService sessions;

    @Autowired
    AgentSecrets agentSecrets;

    /** The demo target's server (database shop). */
    @Autowired
    @org.springframework.beans.factory.annotation.Qualifier("target")
    io.vigil.db.EmbeddedDatabaseServer postgres;

    /** The server of Vigil's store (database vigil), apart from the target's. */
    @Autowired
    @org.springframework.beans.factory.annotation.Qualifier("store")
    io.vigil.db.EmbeddedDatabaseServer storeServer;

    @Autowired
    io.vigil.review.store.StatementRetention retention;

    @DynamicPropertySource
    static void demo(DynamicPropertyRegistry registry) {
        registry.add("vigil.demo", () -> "true");
        registry.add("vigil.data-dir", DATA_DIR::toString);
        registry.add("server.port", () -> HTTP_PORT);
        registry.add("vigil.gateway.port", () -> 0);
        registry.add("vigil.demo-store-port", () -> 0);
        registry.add("vigil.demo-target-port", () -> 0);
        registry.add("vigil.trail.export-file", () -> DATA_DIR.resolve("siem/trail.jsonl")
                .toString());
        registry.add("vigil.trail.checkpoint-interval", () -> "200ms");
        registry.add("vigil.trail.retention", () -> "400d");
        // Tests roll usage up and read privileges when they need to, not on the schedules.
        registry.add("vigil.usage.rollup-interval", () -> "1h");
        registry.add("vigil.usage.grants-first-read", () -> "1h");
        // Campaign tests launch their own; the demo's would race them for the trail.
        registry.add("vigil.demo-campaign", () -> "false");
        registry.add("spring.mail.host", () -> "127.0.0.1");
        registry.add("spring.mail.port", () -> MAIL.getSmtp().getPort());
        registry.add("vigil.approvals.webhook-url", WEBHOOK::url);
        registry.add("vigil.approvals.webhook-token", () -> WEBHOOK_TOKEN);
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

    /** Waits for a person's action matching {@code record} to reach the store (10 s at most). */
    void awaitShipped(org.jooq.Condition record) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!store.fetchExists(io.vigil.db.jooq.Tables.PERSON_ACTION, record)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no such trail record was stored within 10 s: " + record);
            }
            Thread.sleep(20);
        }
    }

    @AfterEach
    void signOut() {
        SecurityContextHolder.clearContext();
    }

    /** Signs {@code name} in for service calls on this thread, with {@code roles}. */
    static void signIn(String name, Role... roles) {
        SecurityContextHolder.getContext()
                .setAuthentication(new TestingAuthenticationToken(
                        name,
                        null,
                        Arrays.stream(roles)
                                .map(r -> new SimpleGrantedAuthority(r.authority()))
                                .toList()));
    }

    Page signedIn(String user, Role role) {
        Page page = browser.newPage();
        page.navigate(BASE_URL + "/");
        page.locator("#username").fill(user);
        page.locator("#password").fill(users.withRole(role).password());
        page.locator("button[type=submit]").click();
        page.waitForURL(u -> u.startsWith(BASE_URL) && !u.contains("login") && !u.contains("oauth2"));
        return page;
    }

    void executeAs(String agent, String sql) throws Exception {
        String url = "jdbc:postgresql://127.0.0.1:" + gateway.address().getPort() + "/shop";
        try (Connection c = DriverManager.getConnection(url, agent, agents.secretOf(agent));
                Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    /** The campaign a definition's launch made, once Quartz has run it (within 15 s). */
    UUID awaitLaunch(UUID definitionId) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        UUID campaign;
        while ((campaign = store.select(CAMPAIGN.ID)
                        .from(CAMPAIGN)
                        .where(CAMPAIGN.DEFINITION_ID.eq(definitionId))
                        .fetchOne(CAMPAIGN.ID))
                == null) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the campaign did not launch within 15 s");
            }
            Thread.sleep(200);
        }
        return campaign;
    }

    UUID agentId(String name) {
        return store.select(AGENT.ID).from(AGENT).where(AGENT.NAME.eq(name)).fetchSingle(AGENT.ID);
    }

    void runAs(String agent, String sql) throws Exception {
        String url = "jdbc:postgresql://127.0.0.1:" + gateway.address().getPort() + "/shop";
        try (Connection c = DriverManager.getConnection(url, agent, agents.secretOf(agent));
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            assertThat(rs.next()).isTrue();
        }
    }

    void awaitRecorded(String sql) throws InterruptedException {
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

    private static GreenMail startMail() {
        GreenMail mail = new GreenMail(new ServerSetup(freePort(), "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        mail.start();
        return mail;
    }

    static Path tempDir() {
        try {
            return Files.createTempDirectory("vigil-it");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
