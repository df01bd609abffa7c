package io.vigil.proxy;

import java.nio.file.Path;

/** The client matrix against PostgreSQL 15, the default (it matches the parser's grammar). */
class ClientMatrixPg15IT extends ClientMatrix {

    @Override
    TestEnvironment startEnvironment(Path dir) {
        return new TestEnvironment(dir);
    }

    @Override
    boolean pgDumpSupportsServer() {
        return true;
    }
}
