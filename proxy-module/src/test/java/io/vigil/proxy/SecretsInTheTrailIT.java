package io.vigil.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.proxy.audit.export.JsonLinesFileSink;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An agent's statements carry passwords and keys, as literals, as bound parameters and in
 * statements that do not parse: none of them reaches the store (and so the session replay) or the
 * SIEM's lines, and the statements are there, redacted.
 */
class SecretsInTheTrailIT {

    private static final String SECRET = "hunter2-" + UUID.randomUUID();

    @TempDir
    static Path dir;

    static TestEnvironment env;
    static JsonLinesFileSink siem;
    static UUID agent;

    @BeforeAll
    static void runStatementsWithSecrets() throws Exception {
        siem = new JsonLinesFileSink(dir.resolve("siem.jsonl"));
        env = new TestEnvironment(dir.resolve("pg"), List.of(siem));
        agent = env.agent("keeper", "owner@example.com", "s3cret-keeper");
        try (Connection c = env.connect("keeper", "s3cret-keeper");
                Statement s = c.createStatement()) {
            attempt(s, "create role leaky login password '" + SECRET + "'");
            attempt(s, "alter role leaky password 'SCRAM-SHA-256$4096:" + SECRET + "'");
            attempt(s, "select * from dblink('host=db password=" + SECRET + "', 'select 1') as t(i int)");
            attempt(s, "create role broken login '" + SECRET + "' 'syntax'");
            try (PreparedStatement p = c.prepareStatement("select pgp_sym_encrypt(?, ?)")) {
                p.setString(1, "plain data");
                p.setString(2, SECRET);
                attempt(p);
            }
            try (PreparedStatement p = c.prepareStatement("select ?::text")) {
                p.setString(1, "postgresql://bob:" + SECRET + "@db/x");
                attempt(p);
            }
            // SQL-level: the key reaches the secret parameter through EXECUTE's argument list.
            attempt(s, "prepare enc(text, text) as select pgp_sym_encrypt($1, $2)");
            attempt(s, "execute enc('plain data', '" + SECRET + "')");
            s.execute("select 'done'");
        }
        env.awaitOutcome(agent, "select 'done'");
        TestEnvironment.await(env::unsignedRecords, n -> n == 0);
    }

    @AfterAll
    static void stop() throws Exception {
        env.close();
        siem.close();
    }

    @Test
    void theStoreHoldsTheStatementsWithoutTheirSecrets() {
        var texts = env.store
                .resultQuery("select sql_text || coalesce(array_to_string(parameters, ','), '')"
                        + " || coalesce(error_message, '') from vigil.statement")
                .fetch(0, String.class);
        assertThat(texts).hasSizeGreaterThanOrEqualTo(7).noneMatch(t -> t.contains(SECRET));
        assertThat(texts)
                .anyMatch(t -> t.startsWith("create role leaky login password '[redacted hmac:"))
                .anyMatch(t -> t.startsWith("create role broken login '[redacted hmac:"))
                .anyMatch(t -> t.startsWith("select pgp_sym_encrypt($1, $2)plain data,[redacted hmac:"))
                .anyMatch(t -> t.startsWith("execute enc('[redacted hmac:"));
        assertThat(env.store.fetchCount(
                        DSL.table("vigil.statement"), DSL.field("sql_text").contains("redacted")))
                .isGreaterThanOrEqualTo(4);
    }

    @Test
    void theSiemsLinesHoldNoSecret() throws Exception {
        String lines = Files.readString(dir.resolve("siem.jsonl"));
        assertThat(lines).contains("[redacted hmac:").doesNotContain(SECRET);
    }

    private static void attempt(Statement s, String sql) {
        try {
            s.execute(sql);
        } catch (SQLException refusedOrFailed) {
            // recorded either way
        }
    }

    private static void attempt(PreparedStatement p) {
        try {
            p.execute();
        } catch (SQLException failed) {
            // pgcrypto is not installed at the target: the statement fails there, recorded as sent
        }
    }
}
