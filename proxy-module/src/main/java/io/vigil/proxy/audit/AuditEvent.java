package io.vigil.proxy.audit;

import io.vigil.proxy.sql.StatementShape;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

/**
 * Something the trail must keep. Each session's events form one hash chain, in the order they
 * happened: opened, then its statements' starts and completions, then closed.
 */
public sealed interface AuditEvent {

    UUID sessionId();

    /**
     * An instant as the trail keeps it: to the microsecond, PostgreSQL's precision. Every event
     * canonicalises its instants when it is constructed, so the bytes hashed when it is recorded are
     * the bytes re-created from the store, whatever clock stamped it (PostgreSQL rounds a nanosecond
     * time to the microsecond where a cut would truncate, so one half of raw times would not match).
     */
    static Instant canonical(Instant instant) {
        return instant == null ? null : instant.truncatedTo(ChronoUnit.MICROS);
    }

    /** An agent authenticated and the gateway logged in to its target for it. */
    record SessionOpened(
            UUID sessionId,
            UUID agentId,
            UUID targetId,
            String clientAddress,
            String applicationName,
            String onBehalfOf,
            String task,
            String upstreamRole,
            boolean tls,
            Instant startedAt)
            implements AuditEvent {
        public SessionOpened {
            startedAt = canonical(startedAt);
        }
    }

    /**
     * The gateway is about to forward a statement (or has refused it, then its completion follows).
     *
     * @param sql the statement's text as sent (one statement of a multi-statement query)
     * @param shape what the parser understood; null if it could not parse it
     * @param parameters bind parameters as text (null when there are none or only a hash is kept)
     * @param parametersHash SHA-256 (hex) of the parameters when the target keeps only a hash
     * @param judgement what policy said of it; null in records made before guardrails
     */
    record StatementStarted(
            UUID sessionId,
            long seq,
            Instant startedAt,
            String sql,
            Protocol protocol,
            StatementShape shape,
            List<String> parameters,
            String parametersHash,
            Judgement judgement)
            implements AuditEvent {
        public StatementStarted {
            startedAt = canonical(startedAt);
        }

        /** A statement not judged by policy (as recorded before guardrails). */
        public StatementStarted(
                UUID sessionId,
                long seq,
                Instant startedAt,
                String sql,
                Protocol protocol,
                StatementShape shape,
                List<String> parameters,
                String parametersHash) {
            this(sessionId, seq, startedAt, sql, protocol, shape, parameters, parametersHash, null);
        }
    }

    /** The database answered a statement, or it never ran (see {@link Outcome.Status}). */
    record StatementCompleted(UUID sessionId, long seq, Instant startedAt, long durationMicros, Outcome outcome)
            implements AuditEvent {
        public StatementCompleted {
            startedAt = canonical(startedAt);
        }
    }

    /** The connection ended. */
    record SessionClosed(UUID sessionId, Instant endedAt, String reason) implements AuditEvent {
        public SessionClosed {
            endedAt = canonical(endedAt);
        }
    }

    /**
     * A login the gateway refused. No session opened, so the attempt is a chain of its own: this
     * one record, under the attempt's id.
     *
     * @param sessionId the attempt's id
     * @param user the user name the client presented
     * @param agentId the agent of that name, null if there is none
     * @param database the database the client asked for
     * @param sqlState what the client was told (28P01, 28000, ...)
     * @param reason why, for the auditor (the client is told less)
     */
    record LoginRefused(
            UUID sessionId,
            Instant at,
            String user,
            UUID agentId,
            String clientAddress,
            String applicationName,
            String database,
            String sqlState,
            String reason)
            implements AuditEvent {
        public LoginRefused {
            at = canonical(at);
        }
    }

    /**
     * A client asked, on a connection of its own, to cancel what this session is running.
     *
     * @param seq the statement running then (the oldest still in flight), 0 if none was
     * @param clientAddress where the cancel request came from
     */
    record CancelRequested(UUID sessionId, Instant at, long seq, String clientAddress) implements AuditEvent {
        public CancelRequested {
            at = canonical(at);
        }
    }

    /**
     * Something a person did in the web app (created an agent, rotated its secret, changed its
     * owner, ...), or Vigil did on its own. Like a refused login, a chain of its own: this one record,
     * under the action's id.
     *
     * @param sessionId the action's id
     * @param actor the person's login name at the identity provider, or {@code vigil}
     * @param action what was done, e.g. {@code agent.create}
     * @param subjectKind what it was done to, e.g. {@code agent}
     * @param subjectId its id, null if it has none
     * @param subjectName its name
     * @param detail what changed, for a reader; never a secret
     */
    record PersonActed(
            UUID sessionId,
            Instant at,
            String actor,
            String action,
            String subjectKind,
            UUID subjectId,
            String subjectName,
            String detail)
            implements AuditEvent {
        public PersonActed {
            at = canonical(at);
        }
    }

    /**
     * A record retention removed: its content is gone, its place in its chain and its spool's tree
     * and its hash are kept, so every record after it still verifies. Never encoded: it stands in
     * for the event that was hashed.
     *
     * @param before the record was older than this (the end of the dropped partition)
     */
    record Pruned(UUID sessionId, Instant before) implements AuditEvent {
        public Pruned {
            before = canonical(before);
        }
    }

    /** How the statement reached the gateway. */
    enum Protocol {
        SIMPLE,
        EXTENDED
    }
}
