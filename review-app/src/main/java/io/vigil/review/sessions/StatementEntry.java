package io.vigil.review.sessions;

import java.time.OffsetDateTime;

/**
 * One recorded statement and its outcome. A null {@code durationMicros} means the outcome was never
 * recorded (outcome unknown).
 */
public record StatementEntry(
        long seq,
        OffsetDateTime startedAt,
        Long durationMicros,
        String sql,
        String protocol,
        String commandTag,
        Long rows,
        String sqlState,
        String errorMessage) {

    /** The outcome in a few words: the command tag, the SQLSTATE and message, or unknown. */
    public String outcome() {
        if (sqlState != null) {
            return sqlState + " " + errorMessage;
        }
        if (errorMessage != null) {
            return errorMessage;
        }
        if (durationMicros == null) {
            return "outcome unknown";
        }
        return commandTag;
    }
}
