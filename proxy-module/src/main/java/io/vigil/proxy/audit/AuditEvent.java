package io.vigil.proxy.audit;

import java.time.Instant;
import java.util.UUID;

/** Something the trail must keep: a session opening or closing, a statement starting or ending. */
public sealed interface AuditEvent {

    UUID sessionId();

    /** An agent authenticated and the gateway logged in to its target for it. */
    record SessionOpened(
            UUID sessionId,
            UUID agentId,
            UUID targetId,
            String clientAddress,
            String applicationName,
            String onBehalfOf,
            String task,
            Instant startedAt)
            implements AuditEvent {}

    /** The gateway is about to forward a statement. */
    record StatementStarted(UUID sessionId, long seq, Instant startedAt, String sql, Protocol protocol)
            implements AuditEvent {}

    /** The database answered a statement (or it never ran, see {@link Outcome#skipped}). */
    record StatementCompleted(UUID sessionId, long seq, Instant startedAt, long durationMicros, Outcome outcome)
            implements AuditEvent {}

    /** The connection ended. */
    record SessionClosed(UUID sessionId, Instant endedAt, String reason) implements AuditEvent {}

    /** How the statement reached the gateway. */
    enum Protocol {
        SIMPLE,
        EXTENDED
    }
}
