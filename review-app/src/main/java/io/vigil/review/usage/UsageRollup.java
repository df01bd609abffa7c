package io.vigil.review.usage;

import io.vigil.db.VigilStore;
import io.vigil.review.store.StoreMigration;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Keeps the usage tables current: every {@code vigil.usage.rollup-interval} (30 s) it counts what
 * the trail's shippers stored since the last run. The counting is the store's own function, a
 * bounded batch per call, each in one transaction with its cursor, so a crash counts nothing twice,
 * a long backlog is worked off batch by batch, and several app instances wait for each other.
 */
@Component
public class UsageRollup {

    private static final Logger log = LoggerFactory.getLogger(UsageRollup.class);

    private final DSLContext db;

    UsageRollup(DSLContext db, StoreMigration migrated) {
        this.db = db;
    }

    /** Counts everything stored since the last run; returns how many trail records it read. */
    @Scheduled(
            initialDelayString = "${vigil.usage.rollup-interval:PT30S}",
            fixedDelayString = "${vigil.usage.rollup-interval:PT30S}")
    public long rollUp() {
        long total = 0;
        try {
            for (long read = batch(); read > 0; read = batch()) {
                total += read;
            }
        } catch (RuntimeException e) {
            log.warn("usage rollup failed after {} records; the next run catches up: {}", total, e.getMessage());
        }
        return total;
    }

    /**
     * Forgets the rollups, then counts the whole trail again in the background (the pages show the
     * count growing until it is done). Callers authorize and record it.
     */
    void rebuild() {
        db.select(DSL.function(DSL.name(VigilStore.SCHEMA, "reset_usage"), Object.class))
                .fetch();
        Thread.ofVirtual().name("vigil-usage-rebuild").start(this::rollUp);
    }

    private long batch() {
        return db.select(DSL.function(DSL.name(VigilStore.SCHEMA, "roll_up_usage"), Long.class))
                .fetchOne()
                .value1();
    }
}
