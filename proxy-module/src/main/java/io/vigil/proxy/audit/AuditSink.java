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
}
