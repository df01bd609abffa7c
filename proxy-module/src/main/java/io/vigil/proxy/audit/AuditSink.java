package io.vigil.proxy.audit;

/** Where the gateway sends its audit events. Called on event-loop threads: it must not block. */
public interface AuditSink {

    /**
     * Accepts {@code event} for the trail.
     *
     * @return false if the trail cannot take a new session or statement now; the gateway then
     *     refuses it rather than let it run unrecorded. Completions and closes are always accepted.
     */
    boolean record(AuditEvent event);

    /**
     * True while events arrive faster than the trail can keep them. The gateway then stops reading
     * from the session that sent the last statement until {@link #whenDrained} fires: agents slow
     * down to the trail's pace instead of being refused.
     */
    default boolean congested() {
        return false;
    }

    /** Runs {@code action} (on any thread) once the backlog is down again, at once if it is. */
    default void whenDrained(Runnable action) {
        action.run();
    }
}
