package io.vigil.proxy.pipeline;

import io.vigil.proxy.directory.Target;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Roles whose check passed lately, per target: a login within {@link #FRESH} of the last passed
 * check skips the query. Only passes are kept; a refused role is checked again at every login, so
 * it may log in as soon as it is fixed. A role made dangerous after it passed is refused at the
 * first login after the minute.
 */
final class RoleChecks {

    static final Duration FRESH = Duration.ofMinutes(1);
    private static final int MAX_KEPT = 10_000;

    private final Map<String, Long> passedAt = new ConcurrentHashMap<>();
    private final LongSupplier nanoTime;

    RoleChecks(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
    }

    boolean fresh(Target target) {
        Long at = passedAt.get(key(target));
        return at != null && nanoTime.getAsLong() - at < FRESH.toNanos();
    }

    void passed(Target target) {
        if (passedAt.size() >= MAX_KEPT) {
            passedAt.clear();
        }
        passedAt.put(key(target), nanoTime.getAsLong());
    }

    /** The management role is part of the key: a check against another one says nothing. */
    private static String key(Target target) {
        return target.id() + "/" + target.upstreamUser() + "/" + target.managementUser();
    }
}
