package io.vigil.proxy.pipeline;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.vigil.proxy.audit.AuditEvent;
import io.vigil.proxy.policy.RowCap;
import io.vigil.proxy.protocol.PgFrame;
import io.vigil.proxy.protocol.SqlState;
import io.vigil.proxy.protocol.backend.ErrorResponse;
import io.vigil.proxy.protocol.backend.ReadyForQuery;
import io.vigil.proxy.protocol.frontend.Bind;
import io.vigil.proxy.protocol.frontend.Close;
import io.vigil.proxy.protocol.frontend.Describe;
import io.vigil.proxy.protocol.frontend.Execute;
import io.vigil.proxy.protocol.frontend.Flush;
import io.vigil.proxy.protocol.frontend.FrontendEncoder;
import io.vigil.proxy.protocol.frontend.FrontendMessage;
import io.vigil.proxy.protocol.frontend.Parse;
import io.vigil.proxy.protocol.frontend.Query;
import io.vigil.proxy.session.CountedStatement;
import io.vigil.proxy.session.OwnQuery;
import io.vigil.proxy.session.ReadPause;
import io.vigil.proxy.session.Session;
import io.vigil.proxy.session.StatementTracker;
import io.vigil.proxy.sql.SessionRelations;
import io.vigil.proxy.sql.SqlAnalysis;
import io.vigil.proxy.sql.SqlAnalysis.Refused;
import io.vigil.proxy.sql.SqlAnalysis.Understood;
import io.vigil.proxy.sql.SqlAnalyzer;
import java.util.List;

/**
 * Client side of the audit: understands each statement with PostgreSQL's parser, has it judged by
 * policy (see {@link StatementTracker}) and records it before it is forwarded. Only the messages that start, name or end statements are decoded;
 * everything else passes untouched, in order.
 *
 * <pre>
 *   client                      Vigil                                   target
 *     | Query "select ..."        |                                        |
 *     |-------------------------->| parse (inline, or on a parser thread:  |
 *     |                           |   later frames wait in order)          |
 *     |                           | record the start (refused if the trail |
 *     |                           |   cannot take it: nothing unrecorded   |
 *     |                           |   is forwarded)                        |
 *     |                           |--------------------------------------->|
 *
 *     | Query "drop table t"      | parsed, relations resolved, judged by  |
 *     |-------------------------->|   policy: denied; recorded as refused  |
 *     |                           | a substitute the target cannot parse   |
 *     |                           |--------------------------------------->|
 *     |                           |<----------------- ErrorResponse 42601 -|
 *     |<-- ErrorResponse 42501 ---| (replaced: "denied by Vigil policy...")|
 *     |<------------------------------------------------- ReadyForQuery ---|
 *
 *     | Query "selec 1"           | unparsable: recorded as refused;       |
 *     |-------------------------->| a substitute the target cannot parse   |
 *     |                           |--------------------------------------->|
 *     |                           |<----------------- ErrorResponse 42601 -|
 *     |<-- Vigil's ErrorResponse -| (replaced by ResponseAuditHandler)     |
 *     |<------------------------------------------------- ReadyForQuery ---|
 * </pre>
 *
 * The substitute makes the target itself abort the transaction and skip to the next Sync, exactly
 * as it would for a statement it could not parse, so the client's view of the session stays true.
 */
final class StatementAuditHandler extends ChannelInboundHandlerAdapter {

    /** Sent in place of a refused statement: fails in the target's parser, runs nothing. */
    static final String SUBSTITUTE = "-- refused by Vigil, not run\n)";

    private final Session session;
    private final SqlAnalyzer analyzer;
    /** Frames that arrived while the gateway waited on something before them; kept in order. */
    private final HeldFrames held = new HeldFrames();
    /** A statement is being parsed, or a reply of the gateway's own waits: hold what follows. */
    private boolean waiting;
    /** A statement under a row cap runs: what follows waits until its count is known. */
    private boolean awaitingCount;

    StatementAuditHandler(Session session, SqlAnalyzer analyzer) {
        this.session = session;
        this.analyzer = analyzer;
    }

    /** A Query or a Parse, decoded once. */
    private record Statement(PgFrame frame, String sql, String preparedName) {
        boolean query() {
            return preparedName == null;
        }
    }

    /** A statement waiting for the target's answer to a relation lookup, null if none. */
    private PgFrame awaitingLookup;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        PgFrame frame = (PgFrame) msg;
        if (waiting || awaitingCount) {
            held.hold(frame);
            return;
        }
        inspectReleasingOnFailure(ctx, frame);
    }

    private void inspectReleasingOnFailure(ChannelHandlerContext ctx, PgFrame frame) {
        if (session.ended()) {
            // The gateway has ended the session: nothing the client sends now reaches the target.
            ReferenceCountUtil.release(frame);
            return;
        }
        try {
            inspect(ctx, frame);
        } catch (RuntimeException e) {
            ReferenceCountUtil.release(frame);
            throw e;
        }
    }

    /** Goes on with the frames that were held, until something makes the handler wait again. */
    private void stopWaiting(ChannelHandlerContext ctx) {
        waiting = false;
        try {
            while (!waiting
                    && !awaitingCount
                    && !held.isEmpty()
                    && ctx.channel().isActive()) {
                inspectReleasingOnFailure(ctx, held.next());
            }
        } catch (RuntimeException e) {
            // Not inside a read, so nothing else would route it to the error handler.
            ctx.fireExceptionCaught(e);
            return;
        }
        // Outside a read, nothing else would flush what was just passed on.
        ctx.fireChannelReadComplete();
        if (!waiting) {
            session.clientReads().resume(ReadPause.Reason.PARSING);
        }
    }

    private void inspect(ChannelHandlerContext ctx, PgFrame frame) {
        StatementTracker statements = session.statements();
        switch (frame.type()) {
            case FrontendMessage.QUERY -> {
                Query query = Query.decode(frame.body());
                analyze(ctx, new Statement(frame, query.sql(), null), query.wellFormedUtf8());
                return;
            }
            case FrontendMessage.PARSE -> {
                Parse parse = Parse.decode(frame.body());
                analyze(ctx, new Statement(frame, parse.sql(), parse.statement()), parse.wellFormedUtf8());
                return;
            }
            case FrontendMessage.BIND -> {
                Bind bind = Bind.decode(frame.body());
                statements.bind(bind.portal(), bind.statement(), bind.parameters());
            }
            case FrontendMessage.EXECUTE -> {
                StatementTracker.Forwarding execute =
                        statements.execute(Execute.decode(frame.body()).portal());
                if (!recordStarts(ctx, frame, execute.events())) {
                    return;
                }
                if (execute.refusal() != null) {
                    // A Parse the target cannot parse fails in its place: the target skips to Sync.
                    ReferenceCountUtil.release(frame);
                    ctx.fireChannelRead(FrontendEncoder.encode(new Parse("", SUBSTITUTE, true), ctx.alloc()));
                    return;
                }
                if (execute.cap() != null) {
                    ctx.fireChannelRead(frame);
                    send(ctx, new Flush());
                    awaitCount(ctx, execute.cap(), false);
                    return;
                }
            }
            case FrontendMessage.CLOSE -> {
                Close close = Close.decode(frame.body());
                if (close.kind() == Close.STATEMENT) {
                    statements.closeStatement(close.name());
                } else {
                    statements.closePortal(close.name());
                }
            }
            case FrontendMessage.SYNC -> statements.sync();
            case FrontendMessage.DESCRIBE, FrontendMessage.FLUSH -> statements.partOfBatch();
            case FrontendMessage.TERMINATE -> session.clientTerminates();
            case FrontendMessage.FUNCTION_CALL -> {
                refuseFunctionCall(ctx, frame);
                return;
            }
            default -> {}
        }
        ctx.fireChannelRead(frame);
    }

    /** Parses the text now if that is cheap, else on a parser thread while what follows waits. */
    private void analyze(ChannelHandlerContext ctx, Statement statement, boolean wellFormedUtf8) {
        SqlAnalysis now = wellFormedUtf8
                ? analyzer.analyzeNow(statement.sql())
                : new Refused(SqlState.CHARACTER_NOT_IN_REPERTOIRE, "invalid byte sequence for encoding \"UTF8\"", 0);
        if (now != null) {
            forward(ctx, statement, now);
            return;
        }
        waiting = true;
        session.clientReads().pause(ReadPause.Reason.PARSING);
        analyzer.analyzeOnParserThread(statement.sql()).whenComplete((analysis, failure) -> ctx.executor()
                .execute(() -> parsed(ctx, statement, failure == null ? analysis : parserFailed())));
    }

    private static Refused parserFailed() {
        return new Refused(SqlState.INTERNAL_ERROR, "Vigil could not parse the statement", 0);
    }

    private void parsed(ChannelHandlerContext ctx, Statement statement, SqlAnalysis analysis) {
        if (!ctx.channel().isActive()) {
            ReferenceCountUtil.release(statement.frame());
            return;
        }
        try {
            forward(ctx, statement, analysis);
        } catch (RuntimeException e) {
            ReferenceCountUtil.release(statement.frame());
            ctx.fireExceptionCaught(e);
            return;
        }
        if (awaitingLookup == null) {
            stopWaiting(ctx);
        }
    }

    /**
     * Asks the target where the statement's relations are before it is recorded, when the session's
     * resolver cannot tell from what it has (see {@link SessionRelations#lookup}): once the target
     * owes the client nothing, if the session is then outside a transaction. What follows waits.
     *
     * <pre>
     *   client                      Vigil                                   target
     *     | Query "select ... t"      | t not in the catalog as read           |
     *     |-------------------------->| (after the answers still owed)         |
     *     |                           |--- Query(current_schemas, to_regclass) |
     *     |                           |<-- rows, ReadyForQuery (not relayed) --|
     *     |                           | record "select ... t" as resolved      |
     *     |                           |--------------------------------------->|
     * </pre>
     *
     * @return true if the statement waits for the lookup
     */
    private boolean lookupFirst(ChannelHandlerContext ctx, Statement statement, Understood understood) {
        StatementTracker statements = session.statements();
        SessionRelations relations = statements.relations();
        if (relations == null
                || statements.midBatch()
                // A simple Query drops the unnamed prepared statement: only where it is about to go anyway.
                || !statement.query() && !statement.preparedName().isEmpty()
                // Decided now if it can be: a lookup that ends at once must not end inside this call.
                || statements.idle()
                        && (session.transactionStatus() != 'I'
                                || !session.upstream().isActive())) {
            return false;
        }
        SessionRelations.Lookup lookup = relations.lookup(understood.statements());
        if (lookup == null) {
            return false;
        }
        awaitingLookup = statement.frame();
        waiting = true;
        session.clientReads().pause(ReadPause.Reason.LOOKUP);
        session.replies().whenIdle(() -> {
            if (session.transactionStatus() == 'I' && session.upstream().isActive()) {
                session.ask(
                        new OwnQuery(lookup.query(), lookup::row, lookup::answered),
                        () -> lookedUp(ctx, statement, understood));
            } else {
                lookedUp(ctx, statement, understood);
            }
        });
        return true;
    }

    private void lookedUp(ChannelHandlerContext ctx, Statement statement, Understood understood) {
        if (awaitingLookup == null) {
            return; // the client has gone, and its statement with it
        }
        awaitingLookup = null;
        session.clientReads().resume(ReadPause.Reason.LOOKUP);
        if (!ctx.channel().isActive() || session.ended()) {
            ReferenceCountUtil.release(statement.frame());
            return;
        }
        try {
            record(ctx, statement, understood);
        } catch (RuntimeException e) {
            ReferenceCountUtil.release(statement.frame());
            ctx.fireExceptionCaught(e);
            return;
        }
        stopWaiting(ctx);
    }

    /**
     * Records the statement, then forwards it, or a substitute if it was refused; first asks the
     * target where its relations are if need be.
     */
    private void forward(ChannelHandlerContext ctx, Statement statement, SqlAnalysis analysis) {
        if (analysis instanceof Understood understood && lookupFirst(ctx, statement, understood)) {
            return;
        }
        record(ctx, statement, analysis);
    }

    private void record(ChannelHandlerContext ctx, Statement statement, SqlAnalysis analysis) {
        StatementTracker statements = session.statements();
        StatementTracker.Forwarding forwarding =
                switch (analysis) {
                    case Refused r when statement.query() -> statements.refuseQuery(statement.sql(), r);
                    case Understood u when statement.query() -> statements.query(u);
                    default -> statements.parse(statement.preparedName(), statement.sql(), analysis);
                };
        PgFrame frame = statement.frame();
        if (!recordStarts(ctx, frame, forwarding.events())) {
            return;
        }
        if (forwarding.refusal() != null) {
            ReferenceCountUtil.release(frame);
            FrontendMessage substitute = statement.query()
                    ? new Query(SUBSTITUTE, true)
                    : new Parse(statement.preparedName(), SUBSTITUTE, true);
            ctx.fireChannelRead(FrontendEncoder.encode(substitute, ctx.alloc()));
        } else if (forwarding.cap() != null) {
            runAsPipeline(ctx, statement);
            awaitCount(ctx, forwarding.cap(), true);
        } else {
            ctx.fireChannelRead(frame);
        }
    }

    /**
     * A simple Query under a row cap goes as a pipeline of the gateway's own, without its Sync: until
     * then the target has not committed it, and the count decides whether it will (see {@link
     * RowCapGuard}). Its answers are as a Query's: rows in text, the same messages once the guard
     * drops the pipeline's own.
     */
    private void runAsPipeline(ChannelHandlerContext ctx, Statement statement) {
        ReferenceCountUtil.release(statement.frame());
        send(ctx, new Parse("", statement.sql(), true));
        send(ctx, new Bind("", "", List.of()));
        send(ctx, Describe.portal(""));
        send(ctx, new Execute("", 0));
        send(ctx, new Flush());
    }

    private static void send(ChannelHandlerContext ctx, FrontendMessage message) {
        ctx.fireChannelRead(FrontendEncoder.encode(message, ctx.alloc()));
    }

    /** What the client sends after a capped statement waits until its count is known and acted on. */
    private void awaitCount(ChannelHandlerContext ctx, RowCap cap, boolean ownPipeline) {
        awaitingCount = true;
        session.clientReads().pause(ReadPause.Reason.COUNTING);
        session.count(new CountedStatement(cap, ownPipeline, () -> {
            awaitingCount = false;
            session.clientReads().resume(ReadPause.Reason.COUNTING);
            stopWaiting(ctx);
        }));
    }

    /**
     * Records what is about to be forwarded. If the trail cannot take it, the frame is dropped and
     * the session ends: a statement is never forwarded without its record.
     */
    private boolean recordStarts(ChannelHandlerContext ctx, PgFrame frame, List<? extends AuditEvent> events) {
        if (events.isEmpty()) {
            return true;
        }
        session.slowDownIfTrailCongested();
        for (AuditEvent event : events) {
            if (!session.record(event)) {
                ReferenceCountUtil.release(frame);
                String message = "Vigil's audit trail cannot take more statements now; the statement was not run";
                session.closeReason(message);
                session.replies().fatal(SqlState.CONFIGURATION_LIMIT_EXCEEDED, message);
                return false;
            }
        }
        return true;
    }

    /** Like a simple query that fails: ErrorResponse, then ReadyForQuery; the session goes on. */
    private void refuseFunctionCall(ChannelHandlerContext ctx, PgFrame frame) {
        ReferenceCountUtil.release(frame);
        // What the client sent after the call must not overtake the reply.
        waiting = true;
        session.replies().whenIdle(() -> {
            session.replies()
                    .send(
                            ErrorResponse.error(
                                    SqlState.FEATURE_NOT_SUPPORTED,
                                    "the fast-path function call protocol is not supported through Vigil"),
                            new ReadyForQuery(session.transactionStatus()));
            stopWaiting(ctx);
        });
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        held.releaseAll();
        if (awaitingLookup != null) {
            ReferenceCountUtil.release(awaitingLookup);
            awaitingLookup = null;
        }
        ctx.fireChannelInactive();
    }
}
