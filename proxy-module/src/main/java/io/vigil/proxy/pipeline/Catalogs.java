package io.vigil.proxy.pipeline;

import io.vigil.proxy.directory.Target;
import io.vigil.proxy.sql.RelationCatalog;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Targets' catalogs as read lately, per target, role and database: a login within {@link #FRESH}
 * of the last read skips reading it again (the session's search_path is read at every login: a
 * role's own setting may change any time). A relation made since is found by the session's lookup
 * (see {@code SessionRelations}).
 */
final class Catalogs {

    static final Duration FRESH = Duration.ofMinutes(1);
    private static final int MAX_KEPT = 100;

    private record Read(RelationCatalog catalog, long atNanos) {}

    private final Map<String, Read> reads = new ConcurrentHashMap<>();
    private final LongSupplier nanoTime;

    Catalogs(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
    }

    /** The catalog read for this target's role and database in the last minute, null if none. */
    RelationCatalog fresh(Target target) {
        Read read = reads.get(key(target));
        return read != null && nanoTime.getAsLong() - read.atNanos() < FRESH.toNanos() ? read.catalog() : null;
    }

    void read(Target target, RelationCatalog catalog) {
        if (reads.size() >= MAX_KEPT) {
            reads.clear();
        }
        reads.put(key(target), new Read(catalog, nanoTime.getAsLong()));
    }

    /** Target ids are UUIDs, role and database names have no NUL: the key is unambiguous. */
    private static String key(Target target) {
        return target.id() + "\0" + target.upstreamUser() + "\0" + target.database();
    }
}
