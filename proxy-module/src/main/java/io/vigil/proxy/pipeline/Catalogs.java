package io.vigil.proxy.pipeline;

import io.vigil.proxy.directory.Target;
import io.vigil.proxy.sql.RelationCatalog;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Targets' catalogs as read lately, per target, role and database: a login within {@link #FRESH}
 * of the last read skips reading it again (the session's search_path is read at every login: a
 * role's own setting may change any time). A relation made since is found by the session's lookup
 * (see {@code SessionRelations}). At most 100 kept: each may hold 200,000 relations.
 */
final class Catalogs {

    static final Duration FRESH = Duration.ofMinutes(1);

    private final FreshFor<RelationCatalog> reads;

    Catalogs(LongSupplier nanoTime) {
        this.reads = new FreshFor<>(FRESH, 100, nanoTime);
    }

    /** The catalog read for this target's role and database in the last minute, null if none. */
    RelationCatalog fresh(Target target) {
        return reads.get(key(target));
    }

    void read(Target target, RelationCatalog catalog) {
        reads.put(key(target), catalog);
    }

    /** Target ids are UUIDs, role and database names have no NUL: the key is unambiguous. */
    private static String key(Target target) {
        return target.id() + "\0" + target.upstreamUser() + "\0" + target.database();
    }
}
