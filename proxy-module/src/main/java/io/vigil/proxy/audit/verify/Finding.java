package io.vigil.proxy.audit.verify;

import java.util.UUID;

/**
 * Something the trail does not prove: where (spool, session, record) and what is wrong.
 *
 * @param sessionId null when the problem is a spool's (a checkpoint, missing leaves)
 * @param record the record's description, or null
 */
public record Finding(UUID spoolId, UUID sessionId, String record, String problem) {

    @Override
    public String toString() {
        StringBuilder where = new StringBuilder();
        if (sessionId != null) {
            where.append("session ").append(sessionId);
        } else if (spoolId != null) {
            where.append("spool ").append(spoolId);
        } else {
            where.append("trail");
        }
        if (record != null) {
            where.append(' ').append(record);
        }
        return where + ": " + problem;
    }
}
