package io.vigil.proxy;

import static io.vigil.db.jooq.Tables.SESSION;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import io.vigil.proxy.identity.WorkloadIdentity;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Agents that prove who they are with an OIDC access token from a trusted issuer, whose signing
 * keys the gateway fetches from its JWKS endpoint (served here on loopback).
 */
class WorkloadIdentityIT {

    static final String ISSUER = "https://issuer.example";
    static final String AUDIENCE = "vigil-gateway";

    @TempDir
    static Path dir;

    static HttpServer jwks;
    static RSAKey signingKey;
    static TestEnvironment env;
    static UUID agent;

    @BeforeAll
    static void start() throws Exception {
        signingKey = new RSAKeyGenerator(2048).keyID("k1").generate();
        byte[] keys = new JWKSet(signingKey.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
        jwks = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        jwks.createContext("/jwks", exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, keys.length);
            exchange.getResponseBody().write(keys);
            exchange.close();
        });
        jwks.start();
        URI uri = URI.create("http://127.0.0.1:" + jwks.getAddress().getPort() + "/jwks");
        // Approvals on: a request keeps the person the token says the agent acts for.
        env = TestEnvironment.withApprovals(
                dir, java.time.Duration.ofMinutes(5), WorkloadIdentity.of(ISSUER, AUDIENCE, uri));
        agent = env.tokenAgent("deploy-bot", "owner");
        env.agent("secret-bot", "owner", "s3cret-only");
        env.policyVersion("tickets", """
                {"name": "tickets", "rules": [{"name": "review-ticket-updates", "effect": "review",
                  "when": "command == 'UpdateStmt'", "message": "a person closes tickets"}]}""", "enforce");
    }

    @AfterAll
    static void stop() {
        env.close();
        jwks.stop(0);
    }

    @Test
    void aValidTokenLogsTheAgentInAndItsDelegationIsRecorded() throws Exception {
        String token =
                token(c -> c.claim("act", Map.of("sub", "alice@example.com")).claim("task_id", "CHG-4711"));
        try (Connection c = env.connect("deploy-bot", token);
                ResultSet rs = c.createStatement().executeQuery("select 1")) {
            assertThat(rs.next()).isTrue();
        }
        var session = TestEnvironment.await(
                () -> env.store
                        .selectFrom(SESSION)
                        .where(SESSION.AGENT_ID.eq(agent))
                        .fetch(),
                rows -> !rows.isEmpty());
        assertThat(session.getFirst().getOnBehalfOf()).isEqualTo("alice@example.com");
        assertThat(session.getFirst().getTask()).isEqualTo("CHG-4711");
    }

    @Test
    void aRequestForApprovalKeepsWhoTheTokenSaysTheAgentActsFor() throws Exception {
        try (Connection c = env.postgres.superuserDataSource("shop").getConnection();
                java.sql.Statement s = c.createStatement()) {
            s.execute("create table if not exists tickets (id int, state text)");
            s.execute("grant all on tickets to " + TestEnvironment.UPSTREAM_ROLE);
        }
        String token =
                token(c -> c.claim("act", Map.of("sub", "alice@example.com")).claim("task_id", "CHG-4712"));
        try (Connection c = env.connect("deploy-bot", token);
                java.sql.Statement s = c.createStatement()) {
            s.setQueryTimeout(3); // sent for review; cancelled here
            java.util.concurrent.CompletableFuture.runAsync(() -> {
                try {
                    s.executeUpdate("update tickets set state = 'closed'");
                } catch (java.sql.SQLException e) {
                    // cancelled by the query timeout: the request is withdrawn
                }
            });
            var request = TestEnvironment.await(
                    () -> env.store
                            .selectFrom(io.vigil.db.jooq.Tables.APPROVAL_REQUEST)
                            .where(io.vigil.db.jooq.Tables.APPROVAL_REQUEST.AGENT_ID.eq(agent))
                            .fetchOne(),
                    r -> r != null);
            assertThat(request.getOnBehalfOf())
                    .as("separation of duties is checked against this: alice may not approve it")
                    .isEqualTo("alice@example.com");
            assertThat(request.getTask()).isEqualTo("CHG-4712");
        }
    }

    @Test
    void anExpiredTokenIsRefused() throws Exception {
        assertRefused(token(c -> c.expirationTime(Date.from(Instant.now().minusSeconds(120)))));
    }

    @Test
    void aTokenForAnotherAudienceIsRefused() throws Exception {
        assertRefused(token(c -> c.audience("someone-else")));
    }

    @Test
    void aTokenFromAnotherIssuerIsRefused() throws Exception {
        assertRefused(token(c -> c.issuer("https://evil.example")));
    }

    @Test
    void aTokenSignedWithAnotherKeyIsRefused() throws Exception {
        RSAKey forged = new RSAKeyGenerator(2048).keyID("k1").generate();
        assertRefused(sign(claims(c -> c), forged));
    }

    @Test
    void aTokenForAnotherAgentIsRefused() throws Exception {
        assertRefused(token(c -> c.subject("some-other-agent")));
    }

    @Test
    void garbageIsRefused() {
        assertRefused("not-a-jwt");
    }

    @Test
    void anAgentWithASecretCannotLogInWithAToken() throws Exception {
        String token = token(c -> c.subject("secret-bot"));
        SqlStates.assertFailsWith(
                "28P01", () -> env.connect("secret-bot", token).close());
    }

    private static void assertRefused(String token) {
        SqlStates.assertFailsWith(
                "28P01", () -> env.connect("deploy-bot", token).close());
    }

    private static String token(UnaryOperator<JWTClaimsSet.Builder> customize) throws JOSEException {
        return sign(claims(customize), signingKey);
    }

    private static JWTClaimsSet claims(UnaryOperator<JWTClaimsSet.Builder> customize) {
        return customize
                .apply(new JWTClaimsSet.Builder()
                        .issuer(ISSUER)
                        .audience(AUDIENCE)
                        .subject("deploy-bot")
                        .issueTime(new Date())
                        .expirationTime(Date.from(Instant.now().plusSeconds(300))))
                .build();
    }

    private static String sign(JWTClaimsSet claims, RSAKey key) throws JOSEException {
        SignedJWT jwt = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), claims);
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }
}
