package io.vigil.proxy.audit;

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
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.InstantSource;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.jooq.DSLContext;
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
    /** How long a statement's start may wait for its outcome so that both ship as one row. */
    private static final String SAVE_CURSOR = "insert into vigil.trail_cursor (spool_id, shipped, updated_at,"
            + " leaves, frontier) values (?, ?, ?, ?, ?) on conflict (spool_id) do update set"
            + " shipped = excluded.shipped, updated_at = excluded.updated_at, leaves = excluded.leaves,"
            + " frontier = excluded.frontier";

    private static final long PAIRING_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

    /**
     * How much spool may fill, how it is cut into files, how often it is forced to disk, how often
     * the trail's Merkle root is signed, and how often batches go to the store.
     *
     * @param shipInterval the shortest time between two batches while the shipper keeps up: each
     *     batch costs a commit, a cursor update and a local mark besides its rows, which at one
     *     batch every few milliseconds cost more than the rows themselves (measured: the store's
     *     CPU per statement fell from 28 to 16 us, the shipper's from 13 to 5 us, going from
     *     back-to-back batches to one per 100 ms). The spool, not the store, is the record, so
     *     this only delays what the web app shows.
     */
    public record Settings(
            long capacityBytes,
            long segmentBytes,
            Duration syncInterval,
            Duration checkpointInterval,
            Duration shipInterval) {
        public static Settings defaults() {
            return new Settings(
                    1L << 30, 64L << 20, Duration.ofMillis(10), Duration.ofSeconds(30), Duration.ofMillis(100));
        }

        public Settings withCheckpointInterval(Duration interval) {
            return new Settings(capacityBytes, segmentBytes, syncInterval, interval, shipInterval);
        }

        public Settings withShipInterval(Duration interval) {
            return new Settings(capacityBytes, segmentBytes, syncInterval, checkpointInterval, interval);
        }
    }

    private final DataSource store;
    private final Spool spool;
    private final long capacity;
    private final long shipIntervalNanos;
    private final Thread shipper;
    private final ScheduledExecutorService syncer;
    private final Queue<Runnable> drained = new ConcurrentLinkedQueue<>();
    private volatile boolean running = true;
    /** Used by the shipper thread only. */
    private Connection connection;

    private boolean cursorKnown;
    private final TrailTree tree;
    private final PairingHold hold = new PairingHold(PAIRING_WAIT_NANOS, System::nanoTime);
    private final List<TrailListener> listeners = new CopyOnWriteArrayList<>();

    /**
     * @param store where the trail lives; the shipper keeps one connection of its own to it
     * @param spoolDir the gateway's local spool; its unshipped records are shipped first
     * @param signer signs the trail's checkpoints; its key must not be readable from the store
     */
    public JooqAuditSink(DataSource store, Path spoolDir, TrailSigner signer, Settings settings) {
        this(store, spoolDir, signer, settings, List.of());
    }

    /**
     * @param listeners hear of every commit to the store (the SIEM exports), from the first: given
     *     here, before the shipper starts, because what a spool still holds from before a restart
     *     ships at once, and a stream that missed it would read as records deleted
     */
    public JooqAuditSink(
            DataSource store, Path spoolDir, TrailSigner signer, Settings settings, List<TrailListener> listeners) {
        this.listeners.addAll(listeners);
        this.store = store;
        this.capacity = settings.capacityBytes();
        this.shipIntervalNanos = settings.shipInterval().toNanos();
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
        if (!spool.append(link.record(), link)) {
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
                List<TrailChain.Link> links = decode(batch);
                boolean held = false;
                if (running && !batch.isEmpty()) {
                    boolean atEnd = batch.getLast().next() >= spool.written();
                    int now = hold.shippable(links, offsets(batch), atEnd);
                    held = now < batch.size();
                    batch = batch.subList(0, now);
                    links = links.subList(0, now);
                }
                if (cursorKnown && batch.isEmpty()) {
                    if (!held) {
                        runDrainedActions(); // everything spooled is shipped
                    }
                    if (tree.checkpointDue(!running)) {
                        ship(batch, links); // only the checkpoint; at the end, whatever the interval
                    }
                    if (!running) {
                        return;
                    }
                    Thread.sleep(POLL_MILLIS);
                    continue;
                }
                long began = System.nanoTime();
                long mark = ship(batch, links);
                if (mark > spool.shipped()) {
                    // Noted locally before the segments go, so a restart never looks for them.
                    LocalMark.write(spoolDir, mark);
                    spool.shippedUpTo(mark);
                }
                backoff = 100;
                if (spool.backlog() <= capacity / 4) {
                    runDrainedActions();
                }
                waitForNextBatch(began);
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

    /** Lets the next batch gather for the rest of the ship interval, unless the shipper is behind. */
    private void waitForNextBatch(long began) throws InterruptedException {
        long rest = shipIntervalNanos - (System.nanoTime() - began);
        if (running && rest > 0 && spool.backlog() < BATCH_BYTES / 2) {
            TimeUnit.NANOSECONDS.sleep(rest);
        }
    }

    /** @return the spool offset the store now has everything before */
    private long ship(List<Spool.Record> batch, List<TrailChain.Link> links) throws SQLException, IOException {
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
            stored = write(c, batch, links);
            mark = batch.getLast().next();
            saveCursor(c, mark);
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

    private void saveCursor(Connection c, long mark) throws SQLException {
        try (PreparedStatement save = c.prepareStatement(SAVE_CURSOR)) {
            save.setObject(1, spool.id());
            save.setLong(2, mark);
            save.setObject(3, OffsetDateTime.now(ZoneOffset.UTC));
            save.setLong(4, tree.size());
            save.setBytes(5, tree.packedFrontier());
            save.executeUpdate();
        }
    }

    /** @return the records written, for the listeners */
    private List<TrailRecord> write(Connection c, List<Spool.Record> batch, List<TrailChain.Link> links)
            throws SQLException, IOException {
        List<TrailRecord> stored = new ArrayList<>(batch.size());
        TrailRows first = new TrailRows();
        Map<PairingHold.StatementKey, StatementCopy.Row> statements = new LinkedHashMap<>();
        TrailRows later = new TrailRows();
        for (TrailChain.Link link : links) {
            long leaf = tree.append(link);
            stored.add(new TrailRecord(spool.id(), leaf, link.index(), link.hash(), link.event()));
            switch (link.event()) {
                case SessionOpened e -> first.add(TrailTables.SESSION, e, link, spool.id(), leaf);
                case StatementStarted e ->
                    statements.put(
                            new PairingHold.StatementKey(e.sessionId(), e.seq()), new StatementCopy.Row(e, link, leaf));
                case StatementCompleted e -> {
                    StatementCopy.Row row = statements.get(new PairingHold.StatementKey(e.sessionId(), e.seq()));
                    if (row != null) {
                        row.complete(e, link, leaf);
                    } else {
                        later.add(TrailTables.LATE_OUTCOME, e, link, spool.id(), leaf);
                    }
                }
                case SessionClosed e -> later.add(TrailTables.SESSION_END, e, link, spool.id(), leaf);
                case LoginRefused e -> first.add(TrailTables.LOGIN_REFUSAL, e, link, spool.id(), leaf);
                case CancelRequested e -> later.add(TrailTables.CANCEL_REQUEST, e, link, spool.id(), leaf);
                case PersonActed e -> first.add(TrailTables.PERSON_ACTION, e, link, spool.id(), leaf);
                case Pruned e -> throw new IllegalStateException("the spool never holds a pruned record");
            }
        }
        first.insert(c);
        if (!statements.isEmpty()) {
            StatementCopy.copy(c, statements.values());
        }
        later.insert(c);
        return stored;
    }

    private static List<TrailChain.Link> decode(List<Spool.Record> batch) {
        List<TrailChain.Link> links = new ArrayList<>(batch.size());
        for (Spool.Record record : batch) {
            // Appended by this process: the link the payload was made from, not decoded again.
            links.add(record.attachment() instanceof TrailChain.Link link ? link : TrailChain.parse(record.payload()));
        }
        return links;
    }

    private static long[] offsets(List<Spool.Record> batch) {
        long[] offsets = new long[batch.size()];
        for (int i = 0; i < offsets.length; i++) {
            offsets[i] = batch.get(i).offset();
        }
        return offsets;
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

    private static String kind(TrailChain.Link link) {
        return link.event().getClass().getSimpleName();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
