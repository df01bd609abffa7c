package io.vigil.db;

import java.nio.file.Path;

/**
 * A start of the embedded server in a JVM of its own, for a test to kill with SIGKILL the way an
 * operator's kill -9 would: prints {@code ready <port>} and waits to die.
 */
public final class KilledStart {

    private KilledStart() {}

    public static void main(String[] args) throws Exception {
        EmbeddedDatabaseServer server = EmbeddedDatabaseServer.start(Path.of(args[0]), 0);
        server.ensureDatabase("keep", "keeper", "keeper-password");
        try (var c = server.dataSource("keep", "keeper", "keeper-password").getConnection();
                var s = c.createStatement()) {
            s.execute("create table kept (v text); insert into kept values ('committed before the kill')");
        }
        System.out.println("ready " + server.port());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
