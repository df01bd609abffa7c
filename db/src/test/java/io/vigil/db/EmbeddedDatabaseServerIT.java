package io.vigil.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedDatabaseServerIT {

    @TempDir
    Path dir;

    @Test
    void aSecondStartReusesTheClusterAndItsPasswords() throws Exception {
        try (EmbeddedDatabaseServer first = EmbeddedDatabaseServer.start(dir, 0)) {
            first.ensureDatabase("keep", "keeper", "keeper-password");
            try (Connection c = first.dataSource("keep", "keeper", "keeper-password")
                            .getConnection();
                    Statement s = c.createStatement()) {
                s.execute("create table kept (v text); insert into kept values ('still here')");
            }
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("superuser.password"))))
                .isEqualTo("rw-------");
        try (EmbeddedDatabaseServer second = EmbeddedDatabaseServer.start(dir, 0);
                Connection c =
                        second.dataSource("keep", "keeper", "keeper-password").getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select v from kept")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("still here");
        }
    }

    @Test
    void aServerLeftRunningByAKilledStartIsStoppedAndTheDataKept() throws Exception {
        Process killed = new ProcessBuilder(
                        ProcessHandle.current().info().command().orElseThrow(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        KilledStart.class.getName(),
                        dir.toString())
                .redirectErrorStream(true)
                .start();
        int port;
        try (var out = new java.io.BufferedReader(new java.io.InputStreamReader(killed.getInputStream()))) {
            String line;
            do {
                line = out.readLine();
            } while (line != null && !line.startsWith("ready "));
            assertThat(line).as("the first start came up").isNotNull();
            port = Integer.parseInt(line.substring("ready ".length()));
        }
        killed.destroyForcibly().waitFor(); // kill -9: no shutdown hook, the postmaster stays
        long orphanPid = Long.parseLong(
                Files.readAllLines(dir.resolve("data/postmaster.pid")).getFirst());
        assertThat(ProcessHandle.of(orphanPid).map(ProcessHandle::isAlive)).hasValue(true);
        try (EmbeddedDatabaseServer restarted = EmbeddedDatabaseServer.start(dir, port);
                Connection c = restarted
                        .dataSource("keep", "keeper", "keeper-password")
                        .getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select v, current_setting('fsync') from kept")) {
            assertThat(ProcessHandle.of(orphanPid).map(ProcessHandle::isAlive).orElse(false))
                    .isFalse();
            assertThat(restarted.port()).isEqualTo(port);
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("committed before the kill");
            assertThat(rs.getString(2)).as("fsync").isEqualTo("on");
        }
    }
}
