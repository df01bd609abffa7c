package io.vigil.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.net.Socket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TLS between agents and the gateway, and the plaintext-injection attack on its negotiation. */
class TlsIT {

    @TempDir
    static Path dir;

    static TestEnvironment env;
    static java.util.UUID agent;

    @BeforeAll
    static void start() {
        TlsSettings tls = SelfSignedCertificate.ensure(dir.resolve("gateway.p12"), "test-store-password");
        env = new TestEnvironment(dir.resolve("pg"), null, tls);
        agent = env.agent("tls-bot", "owner", "s3cret-tls");
    }

    @AfterAll
    static void stop() {
        env.close();
    }

    @Test
    void psqlWithSslmodeRequireTalksTls() throws Exception {
        Cli run = Cli.run(
                        dir,
                        Map.of("PGPASSWORD", "s3cret-tls", "PGSSLMODE", "require"),
                        Duration.ofMinutes(1),
                        List.of(
                                "psql",
                                "-X",
                                "-h",
                                "127.0.0.1",
                                "-p",
                                port(),
                                "-U",
                                "tls-bot",
                                "-d",
                                "shop",
                                "-c",
                                "\\conninfo",
                                "-c",
                                "select 42"))
                .ok();
        assertThat(run.out()).contains("SSL connection (protocol: TLSv1.3").contains("42");
    }

    @Test
    void pgjdbcWithSslmodeRequireTalksTls() throws Exception {
        try (Connection c = env.connect("tls-bot", "s3cret-tls", "sslmode", "require");
                ResultSet rs = c.createStatement().executeQuery("select 1")) {
            assertThat(rs.next()).isTrue();
        }
    }

    @Test
    void pgjdbcWithDirectTlsNegotiationSkipsTheSslRequest() throws Exception {
        try (Connection c = env.connect("tls-bot", "s3cret-tls", "sslmode", "require", "sslNegotiation", "direct");
                ResultSet rs = c.createStatement().executeQuery("select 1")) {
            assertThat(rs.next()).isTrue();
        }
        assertThat(env.store.fetchValue("select bool_and(tls) from session_view where agent_id = ?", agent))
                .as("the session is recorded as TLS")
                .isEqualTo(true);
    }

    @Test
    void directTlsWithoutTheAlpnProtocolIsClosedAfterTheHandshake() throws Exception {
        javax.net.ssl.SSLContext trustAll = javax.net.ssl.SSLContext.getInstance("TLS");
        trustAll.init(null, new javax.net.ssl.TrustManager[] {new TrustEverything()}, null);
        try (javax.net.ssl.SSLSocket socket = (javax.net.ssl.SSLSocket) trustAll.getSocketFactory()
                .createSocket("127.0.0.1", env.gateway.address().getPort())) {
            socket.setSoTimeout(5_000);
            javax.net.ssl.SSLParameters parameters = socket.getSSLParameters();
            parameters.setApplicationProtocols(new String[] {"http/1.1"});
            socket.setSSLParameters(parameters);
            socket.startHandshake();
            assertThat(socket.getApplicationProtocol()).isEmpty();
            assertThat(socket.getInputStream().read())
                    .as("closed, nothing answered")
                    .isEqualTo(-1);
        } catch (java.net.SocketException | javax.net.ssl.SSLException closed) {
            // A reset or an alert is a close too.
        }
    }

    /** For a test socket to a self-signed certificate only. */
    private static final class TrustEverything implements javax.net.ssl.X509TrustManager {
        @Override
        public void checkClientTrusted(java.security.cert.X509Certificate[] chain, String authType) {}

        @Override
        public void checkServerTrusted(java.security.cert.X509Certificate[] chain, String authType) {}

        @Override
        public java.security.cert.X509Certificate[] getAcceptedIssuers() {
            return new java.security.cert.X509Certificate[0];
        }
    }

    @Test
    void bytesSentBehindTheSslRequestAreRefusedWithoutAcceptingTls() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", env.gateway.address().getPort())) {
            socket.setSoTimeout(5_000);
            // SSLRequest and, in the same packet, a plaintext StartupMessage an attacker prepended.
            java.io.ByteArrayOutputStream packet = new java.io.ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(packet);
            out.writeInt(8);
            out.writeInt(80877103);
            byte[] startup = "\0\u0003\0\0user\0tls-bot\0database\0shop\0\0"
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            out.writeInt(startup.length + 4);
            out.write(startup);
            // One write, so the gateway sees both at once, as it would from a man in the middle.
            socket.getOutputStream().write(packet.toByteArray());
            socket.getOutputStream().flush();
            DataInputStream in = new DataInputStream(socket.getInputStream());
            // Refused in the clear without accepting TLS: no 'S', nothing read from the injected bytes.
            assertThat(in.read()).isEqualTo('E');
            byte[] error = new byte[in.readInt() - 4];
            in.readFully(error);
            assertThat(new String(error, java.nio.charset.StandardCharsets.US_ASCII))
                    .contains("C08P01")
                    .contains("received unencrypted data after SSL request");
            assertThat(in.read()).isEqualTo(-1);
        } catch (java.net.SocketException | EOFException closed) {
            // A reset is a close too.
        }
    }

    private static String port() {
        return Integer.toString(env.gateway.address().getPort());
    }
}
