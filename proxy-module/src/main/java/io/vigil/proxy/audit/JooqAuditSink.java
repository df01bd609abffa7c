package io.vigil.proxy.audit;

import static io.vigil.db.jooq.Tables.SESSION;
import static io.vigil.db.jooq.Tables.STATEMENT;

import io.vigil.proxy.audit.AuditEvent.SessionClosed;
import io.vigil.proxy.audit.AuditEvent.SessionOpened;
import io.vigil.proxy.audit.AuditEvent.StatementCompleted;
import io.vigil.proxy.audit.AuditEvent.StatementStarted;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.jooq.Query;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes audit events to Vigil's store in batches, from one background thread, so event loops never
 * wait for the database. A statement that starts and completes within one batch becomes one insert.
 *
 * <p>The queue is bounded. New sessions and statements are refused once {@code capacity} events
 * wait (the gateway then refuses to run them); completions and closes may use the reserve above
 * that, since each belongs to something already admitted. If the store is down the writer keeps its
 * batch and retries, so nothing admitted is dropped while the process lives.
 */
public final class JooqAuditSink implements AuditSink, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(JooqAuditSink.class);
    private static final int BATCH = 2_000;
    private static final long LINGER_MILLIS = 5;
    /** Builds queries without a connection; they run on the writer's own. */
    private static final DSLContext BUILDER = DSL.using(SQLDialect.POSTGRES);

    private static final AuditEvent STOP = new SessionClosed(new UUID(0, 0), Instant.EPOCH, "stop");

    private final DataSource store;
    /** Used by the writer thread only. */
    private Connection connection;

    private final int capacity;
    private final BlockingQueue<AuditEvent> queue;
    private final Thread writer;
    private final Queue<Runnable> drained = new ConcurrentLinkedQueue<>();
    private volatile boolean running = true;

    /**
     * @param store where the trail lives; the writer keeps one connection of its own to it, and
     *     opens a new one after a failure
     * @param capacity events that may wait before new sessions and statements are refused
     */
    public JooqAuditSink(DataSource store, int capacity) {
        this.store = store;
        this.capacity = capacity;
        // Linked: size() is a lock-free read, and producers and the writer take different locks.
        this.queue = new LinkedBlockingQueue<>(capacity * 2 + 1);
        this.writer = Thread.ofPlatform().name("vigil-audit-writer").daemon().start(this::run);
    }

    @Override
    public boolean record(AuditEvent event) {
        boolean admitsNewWork = event instanceof SessionOpened || event instanceof StatementStarted;
        if (admitsNewWork && queue.size() >= capacity) {
            return false;
        }
        if (!queue.offer(event)) {
            log.error(
                    "audit queue overflow: lost {} for session {}",
                    event.getClass().getSimpleName(),
                    event.sessionId());
            return false;
        }
        return true;
    }

    /** Half the capacity: well before anything would be refused. */
    @Override
    public boolean congested() {
        return queue.size() >= capacity / 2;
    }

    @Override
    public void whenDrained(Runnable action) {
        drained.add(action);
        if (!congested()) {
            runDrainedActions();
        }
    }

    private void runDrainedActions() {
        for (Runnable action = drained.poll(); action != null; action = drained.poll()) {
            action.run();
        }
    }

    /** Events accepted but not yet written. */
    public int backlog() {
        return queue.size();
    }

    /** Writes what is queued, then stops the writer. */
    @Override
    public void close() {
        running = false;
        queue.offer(STOP);
        try {
            writer.join(Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!writer.isAlive()) {
            closeConnection();
        }
    }

    private void run() {
        List<AuditEvent> batch = new ArrayList<>(BATCH);
        while (running || !queue.isEmpty()) {
            try {
                AuditEvent first = queue.poll(1, TimeUnit.SECONDS);
                if (first == null) {
                    runDrainedActions();
                    continue;
                }
                batch.add(first);
                if (running && queue.size() < BATCH) {
                    // Group commit: let a few milliseconds of events gather, so a busy gateway
                    // commits a few hundred times a second rather than once per statement.
                    Thread.sleep(LINGER_MILLIS);
                }
                queue.drainTo(batch, BATCH - 1);
                batch.removeIf(e -> e == STOP);
                writeWithRetry(batch);
                batch.clear();
                if (queue.size() <= capacity / 4) {
                    runDrainedActions();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void writeWithRetry(List<AuditEvent> batch) throws InterruptedException {
        long backoffMillis = 100;
        while (true) {
            try {
                write(batch);
                return;
            } catch (SQLException | IOException | RuntimeException e) {
                log.warn("cannot write {} audit events to the store, retrying: {}", batch.size(), e.getMessage());
                closeConnection();
                Thread.sleep(backoffMillis);
                backoffMillis = Math.min(backoffMillis * 2, 5_000);
            }
        }
    }

    private void write(List<AuditEvent> batch) throws SQLException, IOException {
        List<Query> sessions = new ArrayList<>();
        Map<String, StatementCopy.Row> inserts = new LinkedHashMap<>();
        List<Query> updates = new ArrayList<>();
        for (AuditEvent event : batch) {
            switch (event) {
                case SessionOpened e -> sessions.add(insertSession(e));
                case StatementStarted e -> inserts.put(key(e.sessionId(), e.seq()), new StatementCopy.Row(e));
                case StatementCompleted e -> {
                    StatementCopy.Row row = inserts.get(key(e.sessionId(), e.seq()));
                    if (row != null) {
                        row.completed = e;
                    } else {
                        updates.add(updateOutcome(e));
                    }
                }
                case SessionClosed e -> updates.add(closeSession(e));
            }
        }
        Connection c = connection();
        DSLContext t = DSL.using(c, SQLDialect.POSTGRES);
        if (!sessions.isEmpty()) {
            t.batch(sessions).execute();
        }
        if (!inserts.isEmpty()) {
            StatementCopy.copy(c, inserts.values());
        }
        if (!updates.isEmpty()) {
            t.batch(updates).execute();
        }
        c.commit();
    }

    private Connection connection() throws SQLException {
        if (connection == null) {
            connection = store.getConnection();
            connection.setAutoCommit(false);
        }
        return connection;
    }

    private void closeConnection() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                log.debug("closing the trail's connection failed: {}", e.getMessage());
            }
            connection = null;
        }
    }

    private Query insertSession(SessionOpened e) {
        return BUILDER.insertInto(SESSION)
                .set(SESSION.ID, e.sessionId())
                .set(SESSION.AGENT_ID, e.agentId())
                .set(SESSION.TARGET_ID, e.targetId())
                .set(SESSION.CLIENT_ADDR, e.clientAddress())
                .set(SESSION.APPLICATION_NAME, e.applicationName())
                .set(SESSION.ON_BEHALF_OF, e.onBehalfOf())
                .set(SESSION.TASK, e.task())
                .set(SESSION.UPSTREAM_ROLE, e.upstreamRole())
                .set(SESSION.TLS, e.tls())
                .set(SESSION.STARTED_AT, utc(e.startedAt()));
    }

    private Query updateOutcome(StatementCompleted e) {
        Outcome o = e.outcome();
        return BUILDER.update(STATEMENT)
                .set(STATEMENT.DURATION_US, e.durationMicros())
                .set(STATEMENT.COMMAND_TAG, o.commandTag())
                .set(STATEMENT.ROW_COUNT, o.rows())
                .set(STATEMENT.SQLSTATE, o.sqlState())
                .set(STATEMENT.ERROR_MESSAGE, o.errorMessage())
                .set(STATEMENT.OUTCOME, o.status().label())
                .where(STATEMENT.SESSION_ID.eq(e.sessionId()))
                .and(STATEMENT.SEQ.eq(e.seq()))
                .and(STATEMENT.STARTED_AT.eq(utc(e.startedAt())));
    }

    private Query closeSession(SessionClosed e) {
        return BUILDER.update(SESSION)
                .set(SESSION.ENDED_AT, utc(e.endedAt()))
                .set(SESSION.END_REASON, e.reason())
                .where(SESSION.ID.eq(e.sessionId()));
    }

    private static String key(UUID session, long seq) {
        return session + "/" + seq;
    }

    private static OffsetDateTime utc(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}
