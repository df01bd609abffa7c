package io.vigil.proxy;

import java.nio.file.Path;

/** The client matrix against PostgreSQL 18 (zonky binaries copied by the build). */
class ClientMatrixPg18IT extends ClientMatrix {

    @Override
    TestEnvironment startEnvironment(Path dir) {
        return new TestEnvironment(dir, Path.of(System.getProperty("vigil.test.pg18.binaries")));
    }

    @Override
    boolean pgDumpSupportsServer() {
        return false;
    }
}
