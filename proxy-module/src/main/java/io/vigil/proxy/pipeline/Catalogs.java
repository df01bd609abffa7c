package io.vigil.proxy.pipeline;

import io.vigil.proxy.directory.Target;
import io.vigil.proxy.sql.RelationCatalog;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Targets' catalogs as read lately, with the search_path their sessions start with: a login within
 * {@link #FRESH} of the last read skips reading again. Keyed by target, role, database and the
 * search_path the client asked for at startup, which are what the answer depends on. A relation
 * made since is found by the session's lookup (see {@code SessionRelations}).
 */
final class Catalogs {

    static final Duration FRESH = Duration.ofMinutes(1);
    private static final int MAX_KEPT = 1_000;

    /** A catalog and the search_path setting a session started with, split into names. */
    record Read(RelationCatalog catalog, List<String> searchPath, long atNanos) {}

    private final Map<String, Read> reads = new ConcurrentHashMap<>();
    private final LongSupplier nanoTime;

    Catalogs(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
    }

    /** The last read for this login, null if there is none from the last minute. */
    Read fresh(Target target, String startupSearchPath) {
        Read read = reads.get(key(target, startupSearchPath));
        return read != null && nanoTime.getAsLong() - read.atNanos() < FRESH.toNanos() ? read : null;
    }

    Read read(Target target, String startupSearchPath, RelationCatalog catalog, List<String> searchPath) {
        if (reads.size() >= MAX_KEPT) {
            reads.clear();
        }
        Read read = new Read(catalog, List.copyOf(searchPath), nanoTime.getAsLong());
        reads.put(key(target, startupSearchPath), read);
        return read;
    }

    private static String key(Target target, String startupSearchPath) {
        return target.id() + "/" + target.upstreamUser() + "/" + target.database() + "/" + startupSearchPath;
    }
}
