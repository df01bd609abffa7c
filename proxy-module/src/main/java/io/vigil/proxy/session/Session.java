package io.vigil.proxy.session;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import io.vigil.proxy.audit.AuditEvent;
import io.vigil.proxy.audit.AuditEvent.CancelRequested;
import io.vigil.proxy.audit.AuditEvent.SessionClosed;
import io.vigil.proxy.audit.AuditSink;
import io.vigil.proxy.audit.TrailChain;
import io.vigil.proxy.directory.AgentLogin;
import io.vigil.proxy.protocol.MessageFrameDecoder;
import io.vigil.proxy.protocol.backend.BackendKeyData;
import io.vigil.proxy.protocol.frontend.FrontendEncoder;
import io.vigil.proxy.protocol.frontend.Query;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * One authenticated connection: the agent, its client and upstream channels, and its statements in
 * flight. Both channels run on the same event loop, so this object is only ever touched by one
 * thread and needs no synchronization.
 */
public final class Session {

    public static final AttributeKey<Session> KEY = AttributeKey.valueOf("vigil.session");

    /** How long after a cancel was delivered without effect another one may go. */
    private static final long CANCEL_RETRY_MILLIS = 1_000;

    private final UUID id;
    private final AgentLogin agent;
    private final Channel client;
    private final Channel upstream;
    private final StatementTracker statements;
    private final AuditSink audit;
    private String closeReason;
    private BackendKeyData upstreamKey;
    private boolean closeExpected;
    private boolean clientTerminated;
    private boolean cancelOnItsWay;
    private byte transactionStatus = 'I';
    private OwnQuery ownQuery;
    private Runnable afterOwnQuery;
    private CountedStatement counting;
    private String onBehalfOf = "";
    private String task = "";
    /** The settings the target reports (ParameterStatus), by name: part of what an approval is for. */
    private final java.util.SortedMap<String, String> reportedSettings = new java.util.TreeMap<>();

    private Hold hold;
    /** The hold, as the watcher off the event loop may read it. */
    private volatile Hold holdSeen;

    private final TrailChain chain = new TrailChain();
    private boolean closed;
    private final ClientReplies replies;
    private final ReadPause upstreamReads;

    public Session(
            UUID id, AgentLogin agent, Channel client, Channel upstream, StatementTracker statements, AuditSink audit) {
        this.id = id;
        this.agent = agent;
        this.client = client;
        this.upstream = upstream;
        this.statements = statements;
        this.audit = audit;
        this.replies = ClientReplies.of(client);
        this.upstreamReads = new ReadPause(upstream);
        replies.relaying(
                () -> upstream.pipeline().get(MessageFrameDecoder.class) instanceof MessageFrameDecoder frames
                        && frames.midMessage(),
                statements::idle);
    }

    /** The one way the gateway writes replies of its own to the client. */
    public ClientReplies replies() {
        return replies;
    }

    /** Why the client is not being read (each reason is released separately). */
    public ReadPause clientReads() {
        return replies.reads();
    }

    public ReadPause upstreamReads() {
        return upstreamReads;
    }

    public UUID id() {
        return id;
    }

    public AgentLogin agent() {
        return agent;
    }

    public Channel client() {
        return client;
    }

    public Channel upstream() {
        return upstream;
    }

    public StatementTracker statements() {
        return statements;
    }

    /** The target's own cancel key for this session; the client never sees it. */
    public BackendKeyData upstreamKey() {
        return upstreamKey;
    }

    public void upstreamKey(BackendKeyData key) {
        this.upstreamKey = key;
    }

    /**
     * Notes that the connection is ending on purpose (the client said Terminate, or the target
     * already sent a FATAL error), so losing the target is no surprise to report.
     */
    public void expectClose() {
        closeExpected = true;
    }

    public boolean closeExpected() {
        return closeExpected;
    }

    /** The client said Terminate: it is leaving on purpose, after what it sent before. */
    public void clientTerminates() {
        closeReason("client terminated");
        expectClose();
        clientTerminated = true;
    }

    public boolean clientTerminated() {
        return clientTerminated;
    }

    /**
     * Ends the session from the gateway's side: the client gets a FATAL error saying why, then its
     * connection closes, and with it the target's (after cancelling a statement still running there).
     * Safe from any thread.
     */
    public void terminate(String sqlState, String message) {
        client.eventLoop().execute(() -> {
            closeReason(message);
            expectClose();
            replies.fatal(sqlState, message);
        });
    }

    /** Whether the gateway has ended the session: what the client still sends is dropped. */
    public boolean ended() {
        return replies.ended();
    }

    /** The transaction status of the target's last ReadyForQuery ('I', 'T' or 'E'). */
    public byte transactionStatus() {
        return transactionStatus;
    }

    public void transactionStatus(byte status) {
        this.transactionStatus = status;
    }

    /**
     * Sends a query of the gateway's own on the target connection; {@code then} runs once the
     * target has answered it. Only while the target owes the client nothing (see {@link
     * ClientReplies#whenIdle}), between the client's pipelines: the answer is read off the connection and
     * never reaches the client. On the session's event loop.
     */
    public void ask(OwnQuery query, Runnable then) {
        this.ownQuery = query;
        this.afterOwnQuery = then;
        upstream.writeAndFlush(FrontendEncoder.encode(new Query(query.sql(), true), upstream.alloc()));
    }

    /** The query of the gateway's own the target is answering, null if none. */
    public OwnQuery ownQuery() {
        return ownQuery;
    }

    /** The target has answered the gateway's own query: what waited for it goes on. */
    public void ownQueryAnswered() {
        Runnable then = afterOwnQuery;
        ownQuery = null;
        afterOwnQuery = null;
        then.run();
    }

    /**
     * A statement under a row cap has been forwarded: its answer is held until its count is known.
     * One at a time: what the client sends after it waits. On the session's event loop.
     */
    public void count(CountedStatement statement) {
        if (counting != null) {
            throw new IllegalStateException("a capped statement is already being counted");
        }
        counting = statement;
    }

    /** The capped statement whose count is awaited, null if none. */
    public CountedStatement counting() {
        return counting;
    }

    /** The capped statement's count is known and acted on: its {@code then} is the caller's to run. */
    public void counted() {
        counting = null;
    }

    /** The target reported a setting's value (at login, or after a statement changed it). */
    public void reported(String name, String value) {
        reportedSettings.put(name, value);
    }

    /** The settings the target reported, by name, as they stand now. */
    public java.util.SortedMap<String, String> reportedSettings() {
        return java.util.Collections.unmodifiableSortedMap(reportedSettings);
    }

    /** The person and task the agent's workload token names, "" if none. */
    public void actingFor(String person, String taskName) {
        this.onBehalfOf = person == null ? "" : person;
        this.task = taskName == null ? "" : taskName;
    }

    public String onBehalfOf() {
        return onBehalfOf;
    }

    public String task() {
        return task;
    }

    /** A statement now waits for a person's decision (see {@link Hold}). On the session's event loop. */
    public void hold(Hold waiting) {
        this.hold = waiting;
        this.holdSeen = waiting;
    }

    /** The statement waiting for a person, null if none (or once it is settled). On the event loop. */
    public Hold held() {
        return hold != null && !hold.settled() ? hold : null;
    }

    /**
     * The statement waiting for a person as last seen, for the gateway's watcher off the event loop:
     * it may have been settled since (the decision is then dropped on the event loop).
     */
    public Hold heldRequest() {
        Hold seen = holdSeen;
        return seen != null && !seen.settled() ? seen : null;
    }

    /** Why the session ended; the first reason given wins. */
    public void closeReason(String reason) {
        if (closeReason == null) {
            closeReason = reason;
        }
    }

    public String closeReason() {
        return closeReason != null ? closeReason : "connection closed";
    }

    /** Records the session's end; nothing is recorded for it after this. On the session's event loop. */
    public void recordClosed(Instant at) {
        closed = true;
        record(new SessionClosed(id, at, closeReason()));
    }

    /**
     * Whether a cancel should be passed on to the target now: only while a statement runs there (the
     * target ignores one otherwise), and one per statement, so that a storm of cancels costs the
     * target one connection (a process), not one each, and the trail one record. The gate opens
     * again when an outcome comes in (the cancel has done its work, or the statement ended anyway),
     * or a second after the cancel was delivered (the target let it pass: the client may try again).
     * The caller records and forwards it, and calls {@link #cancelDelivered}. On the session's event
     * loop.
     */
    public boolean takeCancel() {
        if (closed || cancelOnItsWay || statements.inFlight() == 0) {
            return false;
        }
        cancelOnItsWay = true;
        return true;
    }

    /** The cancel taken has reached the target, or could not. On the session's event loop. */
    public void cancelDelivered() {
        client.eventLoop().schedule(() -> cancelOnItsWay = false, CANCEL_RETRY_MILLIS, TimeUnit.MILLISECONDS);
    }

    /**
     * Records that a client asked to cancel what this session runs (unless it has ended). On the
     * session's event loop.
     */
    public void recordCancel(Instant at, String from) {
        if (!closed) {
            record(new CancelRequested(id, at, statements.running(), from));
        }
    }

    /** Passes completions to the trail. */
    public void recordAll(List<? extends AuditEvent> events) {
        if (!events.isEmpty()) {
            cancelOnItsWay = false; // an outcome came: a cancel on its way has nothing left to stop
        }
        for (AuditEvent event : events) {
            record(event);
        }
    }

    /**
     * If the trail is falling behind, stops reading from this client until it catches up: the
     * agent slows to the trail's pace, and no buffer grows without bound.
     */
    public void slowDownIfTrailCongested() {
        ReadPause clientReads = replies.reads();
        if (audit.congested() && !clientReads.paused(ReadPause.Reason.TRAIL_CONGESTED)) {
            clientReads.pause(ReadPause.Reason.TRAIL_CONGESTED);
            audit.whenDrained(
                    () -> client.eventLoop().execute(() -> clientReads.resume(ReadPause.Reason.TRAIL_CONGESTED)));
        }
    }

    /**
     * Seals {@code event} into this session's hash chain and keeps it.
     *
     * @return false if the trail refused the event: the statement must not be forwarded
     */
    public boolean record(AuditEvent event) {
        TrailChain.Link link = chain.link(event);
        if (!audit.record(link)) {
            return false;
        }
        chain.advance(link);
        return true;
    }
}
