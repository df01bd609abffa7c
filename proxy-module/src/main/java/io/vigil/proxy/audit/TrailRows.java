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
import java.util.UUID;

/**
 * Rows for the trail's tables other than {@code statement} (see {@link TrailTables}), as JDBC batches of prepared inserts:
 * no SQL is rendered per row (rendering them with jOOQ was a tenth of the shipper's time).
 * Batches run in the order their first row was added. One per shipped batch.
 */
final class TrailRows {

    private final Map<String, List<Object[]>> rows = new LinkedHashMap<>();

    /** Adds the row of {@code event}, sealed as {@code link} at {@code leaf} of {@code spool}'s tree. */
    <E extends AuditEvent> void add(TrailTables.Table<E> table, E event, TrailChain.Link link, UUID spool, long leaf) {
        rows.computeIfAbsent(table.insert(), k -> new ArrayList<>()).add(table.values(event, link, spool, leaf));
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
