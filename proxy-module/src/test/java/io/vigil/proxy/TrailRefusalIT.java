package io.vigil.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.proxy.audit.AuditEvent.StatementStarted;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway's core promise: a statement the trail does not take is never forwarded. The trail
 * here refuses the one statement (as a full or failing trail would), by simple query and by the
 * extended protocol: the client is told why (FATAL 53400), and the target never ran it (the row it
 * would have inserted is not there). The next session works.
 */
class TrailRefusalIT {

    @TempDir
    static Path dir;

    static TestEnvironment env;

    @BeforeAll
    static void start() throws SQLException {
        env = new TestEnvironment(dir.resolve("pg"));
        try (Connection c = env.postgres.superuserDataSource("shop").getConnection();
                Statement s = c.createStatement()) {
            s.execute("create table canary (via text)");
            s.execute("grant insert, select on canary to " + TestEnvironment.UPSTREAM_ROLE);
        }
        env.agent("refused-bot", "owner@example.com", "s3cret-refused");
    }

    @AfterAll
    static void stop() {
        env.close();
    }

    @Test
    void aStatementTheTrailRefusesNeverReachesTheTarget() throws Exception {
        env.refuseRecording(e -> e instanceof StatementStarted s && s.sql().contains("canary"));
        try (Connection c = env.connect("refused-bot", "s3cret-refused", "preferQueryMode", "simple");
                Statement s = c.createStatement()) {
            SqlStates.assertFailsWith("53400", () -> s.execute("insert into canary values ('simple')"));
            assertThat(c.isValid(2)).as("the session ended").isFalse();
        }
        try (Connection c = env.connect("refused-bot", "s3cret-refused");
                PreparedStatement p = c.prepareStatement("insert into canary values (?)")) {
            p.setString(1, "extended");
            SqlStates.assertFailsWith("53400", p::execute);
        }
        env.refuseRecording(e -> false);
        try (Connection c = env.connect("refused-bot", "s3cret-refused");
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select 1")) {
            assertThat(rs.next()).as("the next session works").isTrue();
        }
        try (Connection c = env.postgres.superuserDataSource("shop").getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select count(*) from canary")) {
            rs.next();
            assertThat(rs.getInt(1))
                    .as("rows the refused statements would have inserted")
                    .isZero();
        }
    }
}
