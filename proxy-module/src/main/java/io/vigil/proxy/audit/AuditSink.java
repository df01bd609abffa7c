package io.vigil.proxy.audit;

/** Where the gateway keeps its audit events. Called on event-loop threads: it must not block long. */
public interface AuditSink {

    /**
     * Keeps {@code link} durably before returning: the gateway forwards what it describes only
     * after this returns true.
     *
     * @return false if the trail cannot take a new session or statement now; the gateway then
     *     refuses it rather than let it run unrecorded. Completions and closes are taken while any
     *     reserve is left.
     */
    boolean record(TrailChain.Link link);

    /**
     * True while events arrive faster than the trail can ship them. The gateway then stops reading
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
