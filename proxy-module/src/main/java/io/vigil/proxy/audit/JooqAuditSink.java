package io.vigil.proxy.audit;

import static io.vigil.db.jooq.Tables.CANCEL_REQUEST;
import static io.vigil.db.jooq.Tables.LOGIN_REFUSAL;
import static io.vigil.db.jooq.Tables.PERSON_ACTION;
import static io.vigil.db.jooq.Tables.SESSION;
import static io.vigil.db.jooq.Tables.SESSION_END;
import static io.vigil.db.jooq.Tables.STATEMENT_OUTCOME;
import static io.vigil.db.jooq.Tables.TRAIL_CURSOR;

import io.vigil.proxy.audit.AuditEvent.CancelRequested;
import io.vigil.proxy.audit.AuditEvent.LoginRefused;
import io.vigil.proxy.audit.AuditEvent.PersonActed;
import io.vigil.proxy.audit.AuditEvent.Pruned;
import io.vigil.proxy.audit.AuditEvent.SessionClosed;
import io.vigil.proxy.audit.AuditEvent.SessionOpened;
import io.vigil.proxy.audit.AuditEvent.StatementCompleted;
import io.vigil.proxy.audit.AuditEvent.StatementStarted;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.jooq.Query;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The trail: events are appended to the local {@link Spool} on the event loop (that append is the
 * "record" of record-before-forward), and one shipper thread copies them to Vigil's store in
 * batches, moving the store's cursor for this spool in the same transaction.
 *
 * <pre>
 *   event loop --append--> spool file --(shipper, every few ms)--> store: rows + cursor, one commit
 *              <--true----                 syncer: fsync every {@code syncInterval}
 * </pre>
 *
 * If the store is down the shipper retries and the spool holds the records; when the spool is
 * full, new sessions and statements are refused (completions and closes still use a reserve).
 */
public final class JooqAuditSink implements AuditSink, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(JooqAuditSink.class);
    private static final int BATCH_BYTES = 4 << 20;
    private static final long POLL_MILLIS = 5;
    /** Builds queries without a connection; they run on the shipper's own. */
    private static final DSLContext BUILDER = DSL.using(SQLDialect.POSTGRES);

    /**
     * How much spool may fill, how it is cut into files, how often it is forced to disk, and how
     * often the trail's Merkle root is signed.
     */
    public record Settings(long capacityBytes, long segmentBytes, Duration syncInterval, Duration checkpointInterval) {
        public static Settings defaults() {
            return new Settings(1L << 30, 64L << 20, Duration.ofMillis(10), Duration.ofSeconds(30));
        }

        public Settings withCheckpointInterval(Duration interval) {
            return new Settings(capacityBytes, segmentBytes, syncInterval, interval);
        }
    }

    private final DataSource store;
    private final Spool spool;
    private final long capacity;
    private final Thread shipper;
    private final ScheduledExecutorService syncer;
    private final Queue<Runnable> drained = new ConcurrentLinkedQueue<>();
    private volatile boolean running = true;
    /** Used by the shipper thread only. */
    private Connection connection;

    private boolean cursorKnown;
    private final TrailTree tree;
    private final List<TrailListener> listeners = new CopyOnWriteArrayList<>();

    /**
     * @param store where the trail lives; the shipper keeps one connection of its own to it
     * @param spoolDir the gateway's local spool; its unshipped records are shipped first
     * @param signer signs the trail's checkpoints; its key must not be readable from the store
     */
    public JooqAuditSink(DataSource store, Path spoolDir, TrailSigner signer, Settings settings) {
        this.store = store;
        this.capacity = settings.capacityBytes();
        this.spool =
                new Spool(spoolDir, settings.segmentBytes(), settings.capacityBytes() + settings.capacityBytes() / 10);
        spool.recover(LocalMark.read(spoolDir));
        this.tree = new TrailTree(spool.id(), signer, settings.checkpointInterval(), InstantSource.system());
        this.syncer = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("vigil-spool-sync").daemon().factory());
        long sync = settings.syncInterval().toMillis();
        syncer.scheduleWithFixedDelay(spool::sync, sync, sync, TimeUnit.MILLISECONDS);
        this.shipper = Thread.ofPlatform().name("vigil-trail-shipper").daemon().start(() -> run(spoolDir));
    }

    @Override
    public boolean record(TrailChain.Link link) {
        // A refused login takes no reserve either: a flood of them must not crowd out completions.
        boolean admitsNewWork = link.event() instanceof SessionOpened
                || link.event() instanceof StatementStarted
                || link.event() instanceof LoginRefused
                || link.event() instanceof PersonActed;
        if (admitsNewWork && spool.backlog() >= capacity) {
            return false;
        }
        ByteBuffer payload = ByteBuffer.allocate(4 + TrailChain.HASH_BYTES + link.encoded().length);
        payload.putInt(link.index()).put(link.hash()).put(link.encoded());
        if (!spool.append(payload.array())) {
            log.error(
                    "the spool is full: lost {} of session {}",
                    kind(link),
                    link.event().sessionId());
            return false;
        }
        return true;
    }

    /** Half the capacity: well before anything would be refused. */
    @Override
    public boolean congested() {
        return spool.backlog() >= capacity / 2;
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

    /** From now on, {@code listener} hears of every commit to the store (a SIEM export, say). */
    public void addListener(TrailListener listener) {
        listeners.add(listener);
    }

    /** Bytes of events in the spool but not yet in the store. */
    public long backlog() {
        return spool.backlog();
    }

    /** Ships what is spooled (for up to 10 s), then stops. */
    @Override
    public void close() {
        running = false;
        try {
            shipper.join(Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        syncer.shutdown();
        spool.close();
        if (!shipper.isAlive()) {
            closeConnection();
        }
    }

    // ---- the shipper ----

    private void run(Path spoolDir) {
        long backoff = 100;
        // Leaves only when stopped: with everything shipped and signed, or with the store away.
        while (true) {
            try {
                List<Spool.Record> batch = cursorKnown ? spool.read(spool.shipped(), BATCH_BYTES) : List.of();
                if (cursorKnown && batch.isEmpty()) {
                    runDrainedActions();
                    if (tree.checkpointDue(!running)) {
                        ship(batch); // only the checkpoint; at the end, whatever the interval
                    }
                    if (!running) {
                        return;
                    }
                    Thread.sleep(POLL_MILLIS);
                    continue;
                }
                long mark = ship(batch);
                if (mark > spool.shipped()) {
                    // Noted locally before the segments go, so a restart never looks for them.
                    LocalMark.write(spoolDir, mark);
                    spool.shippedUpTo(mark);
                }
                backoff = 100;
                if (spool.backlog() <= capacity / 4) {
                    runDrainedActions();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception | AssertionError e) {
                // pgjdbc throws AssertionError when the connection dies inside executeBatch: the
                // shipper must outlive whatever the driver throws, or the trail silently stops.
                log.warn("cannot ship the trail to the store, retrying: {}", e.getMessage());
                closeConnection();
                // A commit whose answer was lost may have landed: ask the store where it is again
                // rather than ship the batch twice (its keys would refuse it forever).
                cursorKnown = false;
                if (!running && backoff >= 1_600) {
                    return; // closing with the store away: the spool keeps the rest for the next start
                }
                sleep(backoff);
                backoff = Math.min(backoff * 2, 5_000);
            }
        }
    }

    /** @return the spool offset the store now has everything before */
    private long ship(List<Spool.Record> batch) throws SQLException, IOException {
        Connection c = connection();
        DSLContext t = DSL.using(c, SQLDialect.POSTGRES);
        if (!cursorKnown) {
            Long mark = t.select(TRAIL_CURSOR.SHIPPED)
                    .from(TRAIL_CURSOR)
                    .where(TRAIL_CURSOR.SPOOL_ID.eq(spool.id()))
                    .fetchOne(TRAIL_CURSOR.SHIPPED);
            tree.load(t);
            c.commit();
            cursorKnown = true;
            // Ahead of the local mark if the process died between a commit and noting it.
            return mark == null ? spool.shipped() : Math.max(mark, spool.shipped());
        }
        long mark = spool.shipped();
        List<TrailRecord> stored = List.of();
        if (!batch.isEmpty()) {
            stored = write(c, t, batch);
            mark = batch.getLast().next();
            saveCursor(t, mark);
        }
        Checkpoint checkpoint = tree.checkpointDue(!running) ? tree.checkpoint(t) : null;
        c.commit();
        for (TrailListener listener : listeners) {
            try {
                listener.stored(stored, checkpoint);
            } catch (RuntimeException e) {
                // An export must not disturb the trail: what it missed is in the store.
                log.error("a trail listener failed: {}", e.toString());
            }
        }
        return mark;
    }

    private void saveCursor(DSLContext t, long mark) {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        t.insertInto(TRAIL_CURSOR)
                .set(TRAIL_CURSOR.SPOOL_ID, spool.id())
                .set(TRAIL_CURSOR.SHIPPED, mark)
                .set(TRAIL_CURSOR.UPDATED_AT, now)
                .set(TRAIL_CURSOR.LEAVES, tree.size())
                .set(TRAIL_CURSOR.FRONTIER, tree.packedFrontier())
                .onConflict(TRAIL_CURSOR.SPOOL_ID)
                .doUpdate()
                .set(TRAIL_CURSOR.SHIPPED, mark)
                .set(TRAIL_CURSOR.UPDATED_AT, now)
                .set(TRAIL_CURSOR.LEAVES, tree.size())
                .set(TRAIL_CURSOR.FRONTIER, tree.packedFrontier())
                .execute();
    }

    /** @return the records written, for the listeners */
    private List<TrailRecord> write(Connection c, DSLContext t, List<Spool.Record> batch)
            throws SQLException, IOException {
        List<TrailRecord> stored = new ArrayList<>(batch.size());
        List<Query> sessions = new ArrayList<>();
        Map<String, StatementCopy.Row> statements = new LinkedHashMap<>();
        List<Query> later = new ArrayList<>();
        for (Spool.Record record : batch) {
            TrailChain.Link link = decode(record.payload());
            long leaf = tree.append(link);
            stored.add(new TrailRecord(spool.id(), leaf, link.index(), link.hash(), link.event()));
            switch (link.event()) {
                case SessionOpened e -> sessions.add(insertSession(e, link, leaf));
                case StatementStarted e ->
                    statements.put(key(e.sessionId(), e.seq()), new StatementCopy.Row(e, link, leaf));
                case StatementCompleted e -> {
                    StatementCopy.Row row = statements.get(key(e.sessionId(), e.seq()));
                    if (row != null) {
                        row.complete(e, link, leaf);
                    } else {
                        later.add(insertOutcome(e, link, leaf));
                    }
                }
                case SessionClosed e -> later.add(insertEnd(e, link, leaf));
                case LoginRefused e -> sessions.add(insertRefusal(e, link, leaf));
                case CancelRequested e -> later.add(insertCancel(e, link, leaf));
                case PersonActed e -> sessions.add(insertAction(e, link, leaf));
                case Pruned e -> throw new IllegalStateException("the spool never holds a pruned record");
            }
        }
        if (!sessions.isEmpty()) {
            t.batch(sessions).execute();
        }
        if (!statements.isEmpty()) {
            StatementCopy.copy(c, statements.values());
        }
        if (!later.isEmpty()) {
            t.batch(later).execute();
        }
        return stored;
    }

    static TrailChain.Link decode(byte[] payload) {
        ByteBuffer in = ByteBuffer.wrap(payload);
        int index = in.getInt();
        byte[] hash = new byte[TrailChain.HASH_BYTES];
        in.get(hash);
        byte[] encoded = new byte[in.remaining()];
        in.get(encoded);
        return new TrailChain.Link(TrailCodec.decode(encoded), encoded, index, hash);
    }

    private Connection connection() throws SQLException {
        if (connection == null) {
            connection = store.getConnection();
            connection.setAutoCommit(false);
            try (var s = connection.createStatement()) {
                // Insert-only: the trail is written as a role that cannot update or delete it.
                s.execute("do $$ begin"
                        + " if exists (select 1 from pg_roles where rolname = 'vigil_trail_writer') then"
                        + " if pg_has_role('vigil_trail_writer', 'member') then set role vigil_trail_writer; end if;"
                        + " end if; end $$");
            }
            connection.commit();
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

    private Query insertSession(SessionOpened e, TrailChain.Link link, long leaf) {
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
                .set(SESSION.STARTED_AT, utc(e.startedAt()))
                .set(SESSION.CHAIN_HASH, link.hash())
                .set(SESSION.SPOOL_ID, spool.id())
                .set(SESSION.LEAF, leaf);
    }

    private static Query insertOutcome(StatementCompleted e, TrailChain.Link link, long leaf) {
        Outcome o = e.outcome();
        return BUILDER.insertInto(STATEMENT_OUTCOME)
                .set(STATEMENT_OUTCOME.SESSION_ID, e.sessionId())
                .set(STATEMENT_OUTCOME.SEQ, e.seq())
                .set(STATEMENT_OUTCOME.STARTED_AT, utc(e.startedAt()))
                .set(STATEMENT_OUTCOME.CHAIN_INDEX, link.index())
                .set(STATEMENT_OUTCOME.DURATION_US, e.durationMicros())
                .set(STATEMENT_OUTCOME.OUTCOME, o.status().label())
                .set(STATEMENT_OUTCOME.COMMAND_TAG, o.commandTag())
                .set(STATEMENT_OUTCOME.ROW_COUNT, o.rows())
                .set(STATEMENT_OUTCOME.SQLSTATE, o.sqlState())
                .set(STATEMENT_OUTCOME.ERROR_MESSAGE, o.errorMessage())
                .set(STATEMENT_OUTCOME.CHAIN_HASH, link.hash())
                .set(STATEMENT_OUTCOME.LEAF, leaf);
    }

    private static Query insertEnd(SessionClosed e, TrailChain.Link link, long leaf) {
        return BUILDER.insertInto(SESSION_END)
                .set(SESSION_END.SESSION_ID, e.sessionId())
                .set(SESSION_END.CHAIN_INDEX, link.index())
                .set(SESSION_END.ENDED_AT, utc(e.endedAt()))
                .set(SESSION_END.REASON, e.reason())
                .set(SESSION_END.CHAIN_HASH, link.hash())
                .set(SESSION_END.LEAF, leaf);
    }

    private Query insertRefusal(LoginRefused e, TrailChain.Link link, long leaf) {
        return BUILDER.insertInto(LOGIN_REFUSAL)
                .set(LOGIN_REFUSAL.ID, e.sessionId())
                .set(LOGIN_REFUSAL.ATTEMPTED_AT, utc(e.at()))
                .set(LOGIN_REFUSAL.USER_NAME, e.user())
                .set(LOGIN_REFUSAL.AGENT_ID, e.agentId())
                .set(LOGIN_REFUSAL.CLIENT_ADDR, e.clientAddress())
                .set(LOGIN_REFUSAL.APPLICATION_NAME, e.applicationName())
                .set(LOGIN_REFUSAL.DATABASE_NAME, e.database())
                .set(LOGIN_REFUSAL.SQLSTATE, e.sqlState())
                .set(LOGIN_REFUSAL.REASON, e.reason())
                .set(LOGIN_REFUSAL.CHAIN_HASH, link.hash())
                .set(LOGIN_REFUSAL.SPOOL_ID, spool.id())
                .set(LOGIN_REFUSAL.LEAF, leaf);
    }

    private Query insertAction(PersonActed e, TrailChain.Link link, long leaf) {
        return BUILDER.insertInto(PERSON_ACTION)
                .set(PERSON_ACTION.ID, e.sessionId())
                .set(PERSON_ACTION.ACTED_AT, utc(e.at()))
                .set(PERSON_ACTION.ACTOR, e.actor())
                .set(PERSON_ACTION.ACTION, e.action())
                .set(PERSON_ACTION.SUBJECT_KIND, e.subjectKind())
                .set(PERSON_ACTION.SUBJECT_ID, e.subjectId())
                .set(PERSON_ACTION.SUBJECT_NAME, e.subjectName())
                .set(PERSON_ACTION.DETAIL, e.detail())
                .set(PERSON_ACTION.CHAIN_HASH, link.hash())
                .set(PERSON_ACTION.SPOOL_ID, spool.id())
                .set(PERSON_ACTION.LEAF, leaf);
    }

    private static Query insertCancel(CancelRequested e, TrailChain.Link link, long leaf) {
        return BUILDER.insertInto(CANCEL_REQUEST)
                .set(CANCEL_REQUEST.SESSION_ID, e.sessionId())
                .set(CANCEL_REQUEST.CHAIN_INDEX, link.index())
                .set(CANCEL_REQUEST.REQUESTED_AT, utc(e.at()))
                .set(CANCEL_REQUEST.SEQ, e.seq())
                .set(CANCEL_REQUEST.CLIENT_ADDR, e.clientAddress())
                .set(CANCEL_REQUEST.CHAIN_HASH, link.hash())
                .set(CANCEL_REQUEST.LEAF, leaf);
    }

    private static String kind(TrailChain.Link link) {
        return link.event().getClass().getSimpleName();
    }

    private static String key(UUID session, long seq) {
        return session + "/" + seq;
    }

    static OffsetDateTime utc(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
