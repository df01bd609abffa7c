package io.vigil.review.usage;

import io.vigil.review.store.StoreMigration;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Keeps the usage tables current: every {@code vigil.usage.rollup-interval} (30 s) it counts what
 * the trail's shippers stored since the last run. The counting is the store's own function, in one
 * transaction with its cursor, so a crash counts nothing twice and several app instances wait for
 * each other.
 */
@Component
public class UsageRollup {

    private static final Logger log = LoggerFactory.getLogger(UsageRollup.class);

    private final DSLContext db;

    UsageRollup(DSLContext db, StoreMigration migrated) {
        this.db = db;
    }

    /** Counts what was stored since the last run; returns how many trail records it read. */
    @Scheduled(
            initialDelayString = "${vigil.usage.rollup-interval:PT30S}",
            fixedDelayString = "${vigil.usage.rollup-interval:PT30S}")
    public long rollUp() {
        try {
            return call("roll_up_usage");
        } catch (RuntimeException e) {
            log.warn("usage rollup failed; the next run catches up: {}", e.getMessage());
            return 0;
        }
    }

    /** Forgets the rollups and counts the whole trail again. Callers authorize and record it. */
    long rebuild() {
        return call("rebuild_usage");
    }

    private long call(String function) {
        return db.select(DSL.function(DSL.name(io.vigil.db.VigilStore.SCHEMA, function), Long.class))
                .fetchOne()
                .value1();
    }
}
