package io.vigil.review;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static io.vigil.db.jooq.Tables.AGENT;
import static io.vigil.db.jooq.Tables.SESSION;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Page;
import io.vigil.review.security.DemoWorkloadClient;
import io.vigil.review.security.Role;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.Base64;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The demo's CI job proves who it is the way the access-review story's pipeline does: a
 * client-credentials token from the built-in provider, naming the person it acts for and its task,
 * sent to the gateway as its password. The session replay shows both.
 */
class WorkloadTokenIT extends DemoStack {

    @Autowired
    DemoWorkloadClient workload;

    @Test
    void theCiJobLogsInWithATokenAndItsSessionNamesThePersonAndTheTask() throws Exception {
        String token = token("admin", "MIG-42 add an index to orders");
        String url = "jdbc:postgresql://127.0.0.1:" + gateway.address().getPort() + "/shop";
        try (Connection c = DriverManager.getConnection(url, workload.clientId(), token);
                ResultSet r = c.createStatement().executeQuery("select current_user")) {
            r.next();
            assertThat(r.getString(1)).isEqualTo("shop_gateway");
        }
        UUID agent = store.select(AGENT.ID)
                .from(AGENT)
                .where(AGENT.NAME.eq(workload.clientId()))
                .fetchSingle(AGENT.ID);
        UUID session = await(() -> store.select(SESSION.ID)
                .from(SESSION)
                .where(SESSION.AGENT_ID.eq(agent))
                .and(SESSION.TASK.eq("MIG-42 add an index to orders"))
                .and(SESSION.ON_BEHALF_OF.eq("admin"))
                .fetchAny(SESSION.ID));
        try (Page page = signedIn("admin", Role.ADMIN)) {
            page.navigate(BASE_URL + "/session/" + session);
            assertThat(page.locator("#detail-on-behalf-of")).hasText("admin");
            assertThat(page.locator("#detail-task")).hasText("MIG-42 add an index to orders");
        }
        // The same agent has no secret to try: a password that is not a token is refused.
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> DriverManager.getConnection(url, workload.clientId(), "not-a-token")
                                .close())
                .isInstanceOf(java.sql.SQLException.class);
    }

    private String token(String onBehalfOf, String task) throws Exception {
        String basic = Base64.getEncoder()
                .encodeToString((workload.clientId() + ":" + workload.clientSecret()).getBytes(StandardCharsets.UTF_8));
        String form = "grant_type=client_credentials&on_behalf_of="
                + java.net.URLEncoder.encode(onBehalfOf, StandardCharsets.UTF_8) + "&task="
                + java.net.URLEncoder.encode(task, StandardCharsets.UTF_8);
        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(BASE_URL + "/oauth2/token"))
                                .header("Authorization", "Basic " + basic)
                                .header("Content-Type", "application/x-www-form-urlencoded")
                                .POST(HttpRequest.BodyPublishers.ofString(form))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return tools.jackson.databind.json.JsonMapper.builder()
                .build()
                .readTree(response.body())
                .get("access_token")
                .asString();
    }

    private static <T> T await(java.util.function.Supplier<T> probe) throws InterruptedException {
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(10).toNanos();
        T value;
        while ((value = probe.get()) == null && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(value).as("within 10 s").isNotNull();
        return value;
    }
}
