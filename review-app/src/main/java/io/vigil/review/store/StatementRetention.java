package io.vigil.review.store;

import io.vigil.db.jooq.Vigil;
import io.vigil.review.VigilProperties;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * Drops the months of statements older than {@code vigil.trail.retention}: a minute after start,
 * then daily. The store's {@code prune_statements} keeps each dropped record's hash and place, so
 * the rest of the trail still verifies. Unset retention keeps everything.
 */
@Component
public class StatementRetention implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(StatementRetention.class);
    private static final Duration SHORTEST = Duration.ofDays(1);

    private final DSLContext db;
    private final Duration retention;
    private final Clock clock;
    private final ScheduledExecutorService daily;

    StatementRetention(DSLContext db, VigilProperties properties, Clock clock, StoreMigration migrated) {
        this.db = db;
        this.retention = properties.trail().retention();
        this.clock = clock;
        if (retention != null && retention.compareTo(SHORTEST) < 0) {
            throw new IllegalArgumentException("vigil.trail.retention must be at least a day, not " + retention);
        }
        if (retention == null) {
            daily = null;
            return;
        }
        daily = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("vigil-retention").daemon().factory());
        daily.scheduleWithFixedDelay(this::pruneQuietly, 1, TimeUnit.DAYS.toMinutes(1), TimeUnit.MINUTES);
        log.info("statements are kept for {}; older months are dropped daily", retention);
    }

    /**
     * Drops every month of statements that ended before now minus the retention.
     *
     * @return the months dropped; 0 when retention is unset
     */
    public int pruneNow() {
        if (retention == null) {
            return 0;
        }
        OffsetDateTime cut = OffsetDateTime.now(clock.withZone(ZoneOffset.UTC)).minus(retention);
        Integer dropped = db.select(
                        DSL.function(DSL.name(Vigil.VIGIL.getName(), "prune_statements"), Integer.class, DSL.val(cut)))
                .fetchOne(0, Integer.class);
        if (dropped != null && dropped > 0) {
            log.info("retention dropped {} month(s) of statements older than {}", dropped, cut);
        }
        return dropped == null ? 0 : dropped;
    }

    private void pruneQuietly() {
        try {
            pruneNow();
        } catch (RuntimeException e) {
            log.warn("statement retention failed, retrying tomorrow: {}", e.getMessage());
        }
    }

    @Override
    public void destroy() {
        if (daily != null) {
            daily.shutdownNow();
        }
    }
}
