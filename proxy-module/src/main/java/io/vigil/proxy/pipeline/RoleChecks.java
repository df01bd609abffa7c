package io.vigil.proxy.pipeline;

import io.vigil.proxy.directory.Target;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Roles whose check passed lately, per target: a login within {@link #FRESH} of the last passed
 * check skips the query. Only passes are kept; a refused role is checked again at every login, so
 * it may log in as soon as it is fixed. A role made dangerous after it passed is refused at the
 * first login after the minute.
 */
final class RoleChecks {

    static final Duration FRESH = Duration.ofMinutes(1);

    private final FreshFor<Boolean> passed;

    RoleChecks(LongSupplier nanoTime) {
        this.passed = new FreshFor<>(FRESH, 10_000, nanoTime);
    }

    boolean fresh(Target target) {
        return passed.get(key(target)) != null;
    }

    void passed(Target target) {
        passed.put(key(target), Boolean.TRUE);
    }

    /** The management role is part of the key: a check against another one says nothing. */
    private static String key(Target target) {
        return target.id() + "\0" + target.upstreamUser() + "\0" + target.managementUser();
    }
}
