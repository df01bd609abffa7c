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
}
