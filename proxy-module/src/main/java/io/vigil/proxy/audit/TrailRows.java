package io.vigil.proxy.audit;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Rows for the trail's tables other than {@code statement}, as JDBC batches of prepared inserts:
 * no SQL is rendered per row (rendering them with jOOQ was a tenth of the shipper's time).
 * Batches run in the order their first row was added. One per shipped batch.
 */
final class TrailRows {

    static final String SESSION = "insert into vigil.session (id, agent_id, target_id, client_addr,"
            + " application_name, on_behalf_of, task, upstream_role, tls, started_at, chain_hash, spool_id, leaf)"
            + " values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    static final String OUTCOME = "insert into vigil.statement_outcome (session_id, seq, started_at, chain_index,"
            + " duration_us, outcome, command_tag, row_count, sqlstate, error_message, chain_hash, leaf)"
            + " values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    static final String SESSION_END = "insert into vigil.session_end (session_id, chain_index, ended_at, reason,"
            + " chain_hash, leaf) values (?, ?, ?, ?, ?, ?)";
    static final String LOGIN_REFUSAL = "insert into vigil.login_refusal (id, attempted_at, user_name, agent_id,"
            + " client_addr, application_name, database_name, sqlstate, reason, chain_hash, spool_id, leaf)"
            + " values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    static final String CANCEL_REQUEST = "insert into vigil.cancel_request (session_id, chain_index, requested_at,"
            + " seq, client_addr, chain_hash, leaf) values (?, ?, ?, ?, ?, ?, ?)";
    static final String PERSON_ACTION = "insert into vigil.person_action (id, acted_at, actor, action, subject_kind,"
            + " subject_id, subject_name, detail, chain_hash, spool_id, leaf)"
            + " values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

    private final Map<String, List<Object[]>> rows = new LinkedHashMap<>();

    /** Adds one row; {@code values} in the order of the insert's columns (Instants become UTC times). */
    void add(String insert, Object... values) {
        rows.computeIfAbsent(insert, k -> new ArrayList<>()).add(values);
    }

    boolean isEmpty() {
        return rows.isEmpty();
    }

    void insert(Connection connection) throws SQLException {
        for (var batch : rows.entrySet()) {
            try (PreparedStatement insert = connection.prepareStatement(batch.getKey())) {
                for (Object[] row : batch.getValue()) {
                    for (int i = 0; i < row.length; i++) {
                        insert.setObject(
                                i + 1,
                                row[i] instanceof Instant at ? OffsetDateTime.ofInstant(at, ZoneOffset.UTC) : row[i]);
                    }
                    insert.addBatch();
                }
                insert.executeBatch();
            }
        }
    }
}
