package io.vigil.proxy.policy;

import io.vigil.proxy.sql.StatementShape;

/** Judges one statement of a session, its relations resolved, before it is forwarded. */
@FunctionalInterface
public interface Judge {

    /**
     * @param protocol {@code simple}, {@code extended} or {@code startup}
     */
    Verdict judge(StatementShape resolved, String protocol);
}
