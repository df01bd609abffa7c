package io.vigil.proxy.audit;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;

/**
 * Reserves a file's disk blocks before it is written through a memory mapping. A write into a
 * mapped hole that finds the disk full is a SIGBUS, not an I/O error, so the spool reserves a whole
 * segment up front, with {@code posix_fallocate}, and refuses the record when that fails.
 */
@SuppressWarnings("restricted") // native access is the point; the JVM runs with --enable-native-access
final class Preallocation {

    /** O_WRONLY | O_CLOEXEC, as Linux numbers them. */
    private static final int FLAGS = 1 | 0x80000;

    private static final MethodHandle OPEN;
    private static final MethodHandle FALLOCATE;
    private static final MethodHandle CLOSE;

    static {
        Linker linker = Linker.nativeLinker();
        var libc = linker.defaultLookup();
        OPEN = libc.find("open")
                .map(open -> linker.downcallHandle(
                        open,
                        FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT),
                        Linker.Option.firstVariadicArg(2))) // open(path, flags, ...), no mode: not creating
                .orElse(null);
        FALLOCATE = libc.find("posix_fallocate")
                .map(fallocate -> linker.downcallHandle(
                        fallocate,
                        FunctionDescriptor.of(
                                ValueLayout.JAVA_INT,
                                ValueLayout.JAVA_INT,
                                ValueLayout.JAVA_LONG,
                                ValueLayout.JAVA_LONG)))
                .orElse(null);
        CLOSE = libc.find("close")
                .map(close ->
                        linker.downcallHandle(close, FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT)))
                .orElse(null);
    }

    private Preallocation() {}

    /**
     * Makes {@code file} (which exists) {@code bytes} long with every block allocated.
     *
     * @throws IOException if the blocks cannot be had (a full disk: ENOSPC)
     */
    static void reserve(Path file, long bytes) throws IOException {
        if (OPEN == null || FALLOCATE == null || CLOSE == null) {
            sparse(file, bytes); // not a C library this knows: holes, as any other file
            return;
        }
        int error;
        try (Arena arena = Arena.ofConfined()) {
            int fd = (int) OPEN.invokeExact(arena.allocateFrom(file.toString()), FLAGS);
            if (fd < 0) {
                throw new IOException("cannot open " + file + " to reserve its blocks");
            }
            try {
                error = (int) FALLOCATE.invokeExact(fd, 0L, bytes);
            } finally {
                int closed = (int) CLOSE.invokeExact(fd); // nothing was written through this descriptor
                if (closed != 0) {
                    throw new IOException("cannot close " + file + " after reserving its blocks");
                }
            }
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IOException("cannot reserve the blocks of " + file, e);
        }
        if (error != 0) {
            throw new IOException("cannot reserve " + bytes + " bytes for " + file + " (error " + error + ")");
        }
    }

    private static void sparse(Path file, long bytes) throws IOException {
        try (RandomAccessFile out = new RandomAccessFile(file.toFile(), "rw")) {
            out.setLength(bytes);
        }
    }
}
