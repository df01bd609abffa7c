package io.vigil.proxy;

import io.vigil.proxy.audit.verify.AuditCommand;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;

/**
 * What an auditor runs ({@code vigil audit verify|export}) against a test environment's store,
 * and what an insider with the database's superuser can do to it.
 */
final class AuditCli {

    record Verification(int status, String out) {}

    private final TestEnvironment env;
    private final Path publicKey;

    /** Writes the environment's trail public key to {@code publicKey} for the verifier. */
    AuditCli(TestEnvironment env, Path publicKey) throws java.io.IOException {
        this.env = env;
        this.publicKey = publicKey;
        env.trailSigner.writePublicKey(publicKey);
    }

    Path publicKey() {
        return publicKey;
    }

    /** {@code vigil audit verify} on the live store. */
    Verification verify() {
        return run(
                "verify",
                "--public-key",
                publicKey.toString(),
                "--store",
                storeUrl(),
                "--user",
                TestEnvironment.STORE_USER);
    }

    Verification run(String... args) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int status = AuditCommand.run(
                List.of(args),
                Map.of("VIGIL_STORE_PASSWORD", TestEnvironment.STORE_PASSWORD),
                new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return new Verification(status, bytes.toString(StandardCharsets.UTF_8));
    }

    String storeUrl() {
        return env.postgres.jdbcUrl("vigil");
    }

    /** As the database's superuser, with the insert-only triggers bypassed, as an insider could. */
    void asInsider(String... statements) throws SQLException {
        try (Connection c = env.postgres.superuserDataSource("vigil").getConnection();
                Statement s = c.createStatement()) {
            s.execute("set session_replication_role = replica");
            for (String sql : statements) {
                s.execute(sql);
            }
        }
    }
}
