package io.vigil.proxy.session;

import io.vigil.proxy.audit.AuditEvent.Protocol;
import io.vigil.proxy.audit.AuditEvent.StatementCompleted;
import io.vigil.proxy.audit.AuditEvent.StatementStarted;
import io.vigil.proxy.audit.Outcome;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.LongSupplier;

/**
 * Follows one session's statements from the moment they are forwarded to their outcome. Pure logic:
 * the handlers feed it what they decoded on both sides.
 *
 * <p>Responses come back in the order requests went out, so a FIFO of pending statements is enough
 * to match them. A simple Query ends at ReadyForQuery (it may hold several statements); an Execute
 * ends at CommandComplete, EmptyQueryResponse, PortalSuspended or ErrorResponse. After an error the
 * server skips everything up to the next Sync, so the Executes queued before that Sync never ran.
 * An error that arrives while an Execute is pending may come from the Parse or Bind before it: it
 * is still that statement's outcome.
 */
public final class StatementTracker {

    private final UUID sessionId;
    private final InstantSource clock;
    private final LongSupplier nanoTime;
    private final Map<String, String> preparedStatements = new HashMap<>();
    private final Map<String, String> portals = new HashMap<>();
    private final ArrayDeque<Pending> pending = new ArrayDeque<>();
    private long nextSeq = 1;

    public StatementTracker(UUID sessionId, InstantSource clock, LongSupplier nanoTime) {
        this.sessionId = sessionId;
        this.clock = clock;
        this.nanoTime = nanoTime;
    }

    private sealed interface Pending {}

    private record SyncPoint() implements Pending {}

    private static final class Running implements Pending {
        final StatementStarted started;
        final long startNanos;
        String lastTag;
        Long lastRows;
        Outcome error;
        long dataRows;

        Running(StatementStarted started, long startNanos) {
            this.started = started;
            this.startNanos = startNanos;
        }
    }

    // ---- frontend: what the client sent ----

    /** A simple Query is about to be forwarded. */
    public StatementStarted query(String sql) {
        return start(sql, Protocol.SIMPLE);
    }

    public void parse(String statement, String sql) {
        preparedStatements.put(statement, sql);
    }

    public void bind(String portal, String statement) {
        String sql = preparedStatements.get(statement);
        portals.put(portal, sql != null ? sql : "-- unknown prepared statement \"" + statement + "\"");
    }

    /** An Execute is about to be forwarded: it runs the SQL its portal was bound from. */
    public StatementStarted execute(String portal) {
        String sql = portals.get(portal);
        return start(sql != null ? sql : "-- unknown portal \"" + portal + "\"", Protocol.EXTENDED);
    }

    public void closeStatement(String statement) {
        preparedStatements.remove(statement);
    }

    public void closePortal(String portal) {
        portals.remove(portal);
    }

    public void sync() {
        pending.add(new SyncPoint());
    }

    /** Nothing sent is waiting for an answer: the next reply the client gets is for what comes next. */
    public boolean idle() {
        return pending.isEmpty();
    }

    /** Statements forwarded whose outcome is not known yet. */
    public int inFlight() {
        return (int) pending.stream().filter(Running.class::isInstance).count();
    }

    private StatementStarted start(String sql, Protocol protocol) {
        StatementStarted started = new StatementStarted(sessionId, nextSeq++, clock.instant(), sql, protocol);
        pending.add(new Running(started, nanoTime.getAsLong()));
        return started;
    }

    // ---- backend: what the server answered ----

    public void dataRow() {
        if (pending.peek() instanceof Running r) {
            r.dataRows++;
        }
    }

    public List<StatementCompleted> commandComplete(String tag, Long rows) {
        if (!(pending.peek() instanceof Running r)) {
            return List.of();
        }
        if (r.started.protocol() == Protocol.SIMPLE) {
            r.lastTag = tag;
            r.lastRows = rows;
            return List.of();
        }
        pending.poll();
        return List.of(complete(r, Outcome.completed(tag, rows)));
    }

    public List<StatementCompleted> emptyQuery() {
        return commandComplete("", null);
    }

    public List<StatementCompleted> portalSuspended() {
        if (pending.peek() instanceof Running r && r.started.protocol() == Protocol.EXTENDED) {
            pending.poll();
            return List.of(complete(r, Outcome.completed("PORTAL SUSPENDED", r.dataRows)));
        }
        return List.of();
    }

    public List<StatementCompleted> error(String sqlState, String message) {
        if (!(pending.peek() instanceof Running r)) {
            return List.of();
        }
        Outcome failed = Outcome.failed(sqlState, message);
        if (r.started.protocol() == Protocol.SIMPLE) {
            r.error = failed;
            return List.of();
        }
        pending.poll();
        List<StatementCompleted> done = new ArrayList<>();
        done.add(complete(r, failed));
        while (pending.peek() instanceof Running skipped) {
            pending.poll();
            done.add(complete(skipped, Outcome.skipped()));
        }
        return done;
    }

    /** ReadyForQuery ends a simple Query, or the pipeline up to a Sync. */
    public List<StatementCompleted> readyForQuery() {
        List<StatementCompleted> done = new ArrayList<>();
        while (!pending.isEmpty()) {
            Pending head = pending.poll();
            if (head instanceof SyncPoint) {
                break;
            }
            Running r = (Running) head;
            if (r.started.protocol() == Protocol.SIMPLE) {
                done.add(complete(r, r.error != null ? r.error : Outcome.completed(r.lastTag, r.lastRows)));
                break;
            }
            // An Execute still pending at ReadyForQuery got no answer of its own.
            done.add(complete(r, Outcome.skipped()));
        }
        return done;
    }

    private StatementCompleted complete(Running r, Outcome outcome) {
        long micros = Math.max(0, (nanoTime.getAsLong() - r.startNanos) / 1_000);
        return new StatementCompleted(sessionId, r.started.seq(), r.started.startedAt(), micros, outcome);
    }

    /** For logs and tests; never contains SQL. */
    @Override
    public String toString() {
        return "StatementTracker[session=" + sessionId + ", pending=" + pending.size() + "]";
    }
}
