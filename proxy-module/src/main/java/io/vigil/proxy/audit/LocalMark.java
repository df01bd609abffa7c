package io.vigil.proxy.audit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The spool's own note of how far it was shipped, so it can recover without the store. It may lag
 * the store's cursor (a crash between the commit and this note); the shipper then skips ahead to the
 * store's, which is the truth.
 */
final class LocalMark {

    private static final String FILE = "spool.shipped";

    private LocalMark() {}

    static long read(Path spoolDir) {
        Path file = spoolDir.resolve(FILE);
        try {
            return Files.exists(file) ? Long.parseLong(Files.readString(file).strip()) : 0;
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }

    static void write(Path spoolDir, long mark) {
        Path tmp = spoolDir.resolve(FILE + ".tmp");
        try {
            Files.writeString(tmp, Long.toString(mark));
            Files.move(tmp, spoolDir.resolve(FILE), StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot note the spool's shipped mark", e);
        }
    }
}
