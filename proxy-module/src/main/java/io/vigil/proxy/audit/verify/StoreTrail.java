package io.vigil.proxy.audit.verify;

import static io.vigil.db.jooq.Tables.SESSION;
import static io.vigil.db.jooq.Tables.TRAIL_CHECKPOINT;

import io.vigil.db.jooq.tables.records.TrailCheckpointRecord;
import io.vigil.proxy.audit.Checkpoint;
import io.vigil.proxy.audit.StatementCopy;
import io.vigil.proxy.audit.TrailRecord;
import io.vigil.proxy.audit.TrailTables;
import io.vigil.proxy.audit.export.ExportTrail;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;

/**
 * Re-creates the trail's records from the store's rows, exactly as they were encoded when hashed:
 * the tables themselves, not the views, so nothing is merged or defaulted on the way. Rows written
 * before the trail was hash-chained have no hash and are counted, not checked.
 */
public final class StoreTrail {

    private final DSLContext store;

    public StoreTrail(DSLContext store) {
        this.store = store;
    }

    /**
     * Every record and checkpoint of the store at {@code url}, read in one repeatable-read,
     * read-only transaction, so the tables agree with each other.
     *
     * @param password null to rely on the driver's own sources (pgpass)
     */
    public static ExportTrail snapshot(String url, String user, String password) throws SQLException {
        Properties props = new Properties();
        if (user != null) {
            props.setProperty("user", user);
        }
        if (password != null) {
            props.setProperty("password", password);
        }
        try (Connection c = DriverManager.getConnection(url, props)) {
            c.setAutoCommit(false);
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            c.setReadOnly(true);
            StoreTrail trail = new StoreTrail(DSL.using(c, SQLDialect.POSTGRES));
            ExportTrail snapshot = new ExportTrail(trail.records(), trail.checkpoints());
            c.rollback();
            return snapshot;
        }
    }

    /** Every chained record, in no particular order. */
    public List<TrailRecord> records() {
        return records(null);
    }

    /** The chained records of one session, in no particular order. */
    public List<TrailRecord> session(UUID id) {
        return records(id);
    }

    private List<TrailRecord> records(UUID onlySession) {
        List<TrailRecord> records = new ArrayList<>();
        Map<UUID, UUID> spools = store.select(SESSION.ID, SESSION.SPOOL_ID)
                .from(SESSION)
                .where(only(SESSION.ID, onlySession))
                .fetchMap(SESSION.ID, SESSION.SPOOL_ID);
        for (TrailTables.Table<?> table : TrailTables.ALL) {
            List<String> conditions = new ArrayList<>(2);
            if (onlySession != null) {
                conditions.add(table.sessionColumn() + " = ?");
            }
            if (table == TrailTables.SESSION) {
                // Sessions from before the trail was hash-chained; any other row without a hash is
                // read, and found not to verify.
                conditions.add("chain_hash is not null");
            }
            String sql = table.select() + (conditions.isEmpty() ? "" : " where " + String.join(" and ", conditions));
            Object[] args = onlySession == null ? new Object[0] : new Object[] {onlySession};
            for (Record row : store.resultQuery(sql, args).fetch()) {
                records.add(table.read(new Columns(row), spools::get));
            }
        }
        String statements = StatementCopy.SELECT + " where start_hash is not null"
                + (onlySession == null ? "" : " and session_id = ?");
        try (var rows = store.resultQuery(statements, onlySession == null ? new Object[0] : new Object[] {onlySession})
                .fetchSize(1_000)
                .fetchLazy()) {
            for (Record row : rows) {
                Columns columns = new Columns(row);
                records.addAll(StatementCopy.read(columns, spools.get(columns.uuid("session_id"))));
            }
        }
        return records;
    }

    /** A row of the store, by column name, as {@link TrailTables} and {@link StatementCopy} read it. */
    private record Columns(Record row) implements TrailTables.Row {
        @Override
        public UUID uuid(String column) {
            return row.get(column, UUID.class);
        }

        @Override
        public String text(String column) {
            return row.get(column, String.class);
        }

        @Override
        public Instant instant(String column) {
            OffsetDateTime at = row.get(column, OffsetDateTime.class);
            return at == null ? null : at.toInstant();
        }

        @Override
        public Long int8(String column) {
            return row.get(column, Long.class);
        }

        @Override
        public Integer int4(String column) {
            return row.get(column, Integer.class);
        }

        @Override
        public Boolean bool(String column) {
            return row.get(column, Boolean.class);
        }

        @Override
        public byte[] bytes(String column) {
            return row.get(column, byte[].class);
        }

        /** Arrays.asList, not List.of: an element may be NULL. */
        @Override
        public List<String> texts(String column) {
            String[] values = row.get(column, String[].class);
            return values == null ? null : Arrays.asList(values);
        }
    }

    public List<Checkpoint> checkpoints() {
        return store.selectFrom(TRAIL_CHECKPOINT).fetch(StoreTrail::checkpoint);
    }

    /** The checkpoint of {@code spool} that covers the most records, if it has one. */
    public Optional<Checkpoint> newestCheckpoint(UUID spool) {
        return store.selectFrom(TRAIL_CHECKPOINT)
                .where(TRAIL_CHECKPOINT.SPOOL_ID.eq(spool))
                .orderBy(TRAIL_CHECKPOINT.TREE_SIZE.desc())
                .limit(1)
                .fetchOptional(StoreTrail::checkpoint);
    }

    private static Checkpoint checkpoint(TrailCheckpointRecord c) {
        return new Checkpoint(
                c.getSpoolId(),
                c.getTreeSize(),
                c.getRoot(),
                c.getSignedAt().toInstant(),
                c.getKeyId(),
                c.getSignature());
    }

    private static Condition only(Field<UUID> session, UUID id) {
        return id == null ? DSL.noCondition() : session.eq(id);
    }
}
