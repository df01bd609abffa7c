package io.vigil.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Vigil's store goes away (its role may no longer log in, its connections are cut): a new login is
 * refused within seconds with 57P03, not after the store pool's 30 s timeout, while a session
 * already open keeps working on the spool.
 */
class StoreOutageIT {

    @TempDir
    static Path dir;

    static TestEnvironment env;

    @BeforeAll
    static void start() {
        env = new TestEnvironment(dir.resolve("pg"));
        env.agent("outage-bot", "owner@example.com", "s3cret-outage");
    }

    @AfterAll
    static void stop() {
        env.close();
    }

    @Test
    void aNewLoginIsRefusedQuicklyAndAnOpenSessionGoesOn() throws Exception {
        try (Connection open = env.connect("outage-bot", "s3cret-outage");
                Statement s = open.createStatement()) {
            storeDown(true);
            try {
                // Busy while the login waits (the test gateway ends sessions idle for 3 s).
                var busy = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                    try (ResultSet rs = s.executeQuery("select pg_sleep(3.5), 'slept'")) {
                        rs.next();
                        return rs.getString(2);
                    } catch (SQLException e) {
                        throw new IllegalStateException(e);
                    }
                });
                long started = System.nanoTime();
                SQLException refused =
                        catchThrowableOfType(SQLException.class, () -> env.connect("outage-bot", "s3cret-outage"));
                Duration waited = Duration.ofNanos(System.nanoTime() - started);
                assertThat(refused.getSQLState()).as("refused after %s", waited).isEqualTo("57P03");
                assertThat(refused.getMessage()).contains("Vigil cannot reach its store");
                // 3 s of patience for the store, and room for a loaded two-core machine.
                assertThat(waited).isLessThan(Duration.ofSeconds(5));
                assertThat(busy.get()).isEqualTo("slept");
                try (ResultSet rs = s.executeQuery("select 41 + 1")) {
                    rs.next();
                    assertThat(rs.getInt(1)).isEqualTo(42);
                }
            } finally {
                storeDown(false);
            }
        }
        env.connect("outage-bot", "s3cret-outage").close();
    }

    /** The store's role cannot log in, and its open connections (the pool's) are cut. */
    private static void storeDown(boolean down) throws SQLException {
        try (Connection c = env.postgres.superuserDataSource("postgres").getConnection();
                Statement s = c.createStatement()) {
            s.execute("alter role " + TestEnvironment.STORE_USER + (down ? " nologin" : " login"));
            if (down) {
                s.execute("select pg_terminate_backend(pid) from pg_stat_activity where usename = '"
                        + TestEnvironment.STORE_USER + "'");
            }
        }
    }
}
