package io.vigil.proxy.policy;

import io.vigil.proxy.sql.StatementShape;

/** Judges one statement of a session, its relations resolved, before it is forwarded. */
@FunctionalInterface
public interface Judge {

    /**
     * @param protocol {@code simple}, {@code extended} or {@code startup}
     */
    Verdict judge(StatementShape resolved, String protocol);

    /** For trackers that only record (tests of recording): every statement runs. */
    Judge ALLOW_ALL = (shape, protocol) -> new Verdict.Allow("none", 0);
}
