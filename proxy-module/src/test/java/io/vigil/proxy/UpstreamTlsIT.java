package io.vigil.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TLS from the gateway to the target, in libpq's require and verify-full modes. */
class UpstreamTlsIT {

    @TempDir
    Path dir;

    @Test
    void requireEncryptsTheConnectionToTheTarget() throws Exception {
        try (TestEnvironment env = environment("require", null)) {
            env.agent("tls-up-bot", "owner", "s3cret-up");
            assertThat(targetSeesTls(env)).isTrue();
        }
    }

    @Test
    void verifyFullAcceptsATargetCertificateFromTheTrustedCa() throws Exception {
        try (TestEnvironment env = environment("verify-full", dir.resolve("server.crt"))) {
            env.agent("tls-up-bot", "owner", "s3cret-up");
            assertThat(targetSeesTls(env)).isTrue();
        }
    }

    @Test
    void verifyFullRefusesACertificateNobodyVouchesFor() throws Exception {
        try (TestEnvironment env = environment("verify-full", null)) {
            env.agent("tls-up-bot", "owner", "s3cret-up");
            SqlStates.assertFailsWith(
                    "08001", () -> env.connect("tls-up-bot", "s3cret-up").close());
        }
    }

    @Test
    void requireRefusesATargetWithoutTls() throws Exception {
        try (TestEnvironment env =
                new TestEnvironment(dir.resolve("plain"), null, null, null, Map.of(), "require", null)) {
            env.agent("tls-up-bot", "owner", "s3cret-up");
            SqlStates.assertFailsWith(
                    "08001", () -> env.connect("tls-up-bot", "s3cret-up").close());
        }
    }

    private static boolean targetSeesTls(TestEnvironment env) throws SQLException {
        try (Connection c = env.connect("tls-up-bot", "s3cret-up");
                ResultSet rs =
                        c.createStatement().executeQuery("select ssl from pg_stat_ssl where pid = pg_backend_pid()")) {
            assertThat(rs.next()).isTrue();
            return rs.getBoolean(1);
        }
    }

    /** A PostgreSQL with TLS on, its self-signed certificate made by openssl for 127.0.0.1. */
    private TestEnvironment environment(String mode, Path trustedCa) throws Exception {
        Path cert = dir.resolve("server.crt");
        Path key = dir.resolve("server.key");
        Cli.run(
                        dir,
                        Map.of(),
                        Duration.ofMinutes(1),
                        List.of(
                                "openssl",
                                "req",
                                "-x509",
                                "-newkey",
                                "ec",
                                "-pkeyopt",
                                "ec_paramgen_curve:prime256v1",
                                "-nodes",
                                "-days",
                                "2",
                                "-subj",
                                "/CN=127.0.0.1",
                                "-addext",
                                "subjectAltName=IP:127.0.0.1,DNS:localhost",
                                "-keyout",
                                key.toString(),
                                "-out",
                                cert.toString()))
                .ok();
        java.nio.file.Files.setPosixFilePermissions(
                key, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        return new TestEnvironment(
                dir.resolve("pg"),
                null,
                null,
                null,
                Map.of("ssl", "on", "ssl_cert_file", cert.toString(), "ssl_key_file", key.toString()),
                mode,
                trustedCa);
    }
}
