package io.vigil.proxy.pipeline;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.vigil.proxy.approval.ApprovalDesk;
import io.vigil.proxy.approval.ApprovalTrail;
import io.vigil.proxy.approval.Approvals;
import io.vigil.proxy.audit.AuditEvent;
import io.vigil.proxy.policy.RowCap;
import io.vigil.proxy.policy.Verdict;
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
import io.vigil.proxy.session.Hold;
import io.vigil.proxy.session.OwnQuery;
import io.vigil.proxy.session.ReadPause;
import io.vigil.proxy.session.Session;
import io.vigil.proxy.session.StatementTracker;
import io.vigil.proxy.sql.SessionRelations;
import io.vigil.proxy.sql.SqlAnalysis;
import io.vigil.proxy.sql.SqlAnalysis.Refused;
import io.vigil.proxy.sql.SqlAnalysis.Understood;
import io.vigil.proxy.sql.SqlAnalyzer;
import io.vigil.proxy.sql.StatementShape;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

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
    /** Files and closes this session's requests for approval; null: review means deny. */
    private final ApprovalClerk clerk;

    private final Executor blocking;
    private final InstantSource clock;
    /** A statement waits for a person: what follows waits with it. */
    private PgFrame awaitingApproval;
    /** An approved Parse sent on: what became of it is said to the store at its Execute. */
    private ApprovalDesk.Request releasedParse;
    /** The approved Parse's statement name, and the portal bound from it. */
    private String releasedName;

    private String releasedPortal;
    /** A held Parse's request waits for its Bind, with the values, or the end of its pipeline. */
    private Runnable awaitingNextFrame;
    /** Vigil's own queries measure a held statement on the session's target connection. */
    private boolean measuring;
    /** A decision that came while measuring: acted on once the session is back as it was. */
    private Runnable afterMeasuring;
    /** An approved statement on its way: what became of it is said to the store once it is judged again. */
    private ApprovalDesk.Request releasing;
    /** Frames that arrived while the gateway waited on something before them; kept in order. */
    private final HeldFrames held = new HeldFrames();
    /** A statement is being parsed, or a reply of the gateway's own waits: hold what follows. */
    private boolean waiting;
    /** A statement under a row cap runs: what follows waits until its count is known. */
    private boolean awaitingCount;

    StatementAuditHandler(Session session, SqlAnalyzer analyzer) {
        this(session, analyzer, null, Runnable::run, InstantSource.system());
    }

    StatementAuditHandler(Session session, GatewayContext context) {
        this(
                session,
                context.analyzer(),
                context.approvals() == null ? null : new ApprovalClerk(session, context),
                context.blocking(),
                context.clock());
    }

    private StatementAuditHandler(
            Session session, SqlAnalyzer analyzer, ApprovalClerk clerk, Executor blocking, InstantSource clock) {
        this.session = session;
        this.analyzer = analyzer;
        this.clerk = clerk;
        this.blocking = blocking;
        this.clock = clock;
        if (clerk != null) {
            session.statements().reviewsBy(clerk);
        }
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
        if (waiting || awaitingCount || awaitingApproval != null) {
            held.hold(frame);
            if (awaitingNextFrame != null && bindOrEndHeld()) {
                Runnable next = awaitingNextFrame;
                awaitingNextFrame = null;
                next.run();
            }
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
                    && awaitingApproval == null
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
                if (releasedParse != null && bind.statement().equals(releasedName)) {
                    releasedPortal = bind.portal();
                }
            }
            case FrontendMessage.EXECUTE -> {
                String portal = Execute.decode(frame.body()).portal();
                StatementTracker.Forwarding execute = statements.execute(portal);
                if (!recordStarts(ctx, frame, execute.events())) {
                    return;
                }
                if (releasedParse != null && portal.equals(releasedPortal)) {
                    clerk.close(
                            releasedParse,
                            execute.refusal() == null ? ApprovalDesk.Outcome.RELEASED : ApprovalDesk.Outcome.REFUSED,
                            startedSeq(execute));
                    releasedParse = null;
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
            case FrontendMessage.SYNC -> {
                statements.sync();
                if (releasedParse != null) {
                    // Approved and sent, and its pipeline ended without running it.
                    clerk.close(releasedParse, ApprovalDesk.Outcome.RELEASED, null);
                    releasedParse = null;
                }
            }
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
                    case Understood u when statement.query() -> statements.query(u, mayHold());
                    default -> statements.parse(statement.preparedName(), statement.sql(), analysis, mayHold());
                };
        if (forwarding.held() != null) {
            holdForApproval(ctx, statement, analysis, forwarding.held());
            return;
        }
        if (releasing != null) {
            // Judged again once approved: it goes, or something now stops it.
            ApprovalDesk.Request approved = releasing;
            releasing = null;
            if (statement.query() || forwarding.refusal() != null) {
                clerk.close(
                        approved,
                        forwarding.refusal() == null ? ApprovalDesk.Outcome.RELEASED : ApprovalDesk.Outcome.REFUSED,
                        startedSeq(forwarding));
            } else {
                releasedParse = approved; // it runs, and is recorded, at its Execute
                releasedName = statement.preparedName();
                releasedPortal = null;
            }
        }
        go(ctx, statement, forwarding);
    }

    /** Records what {@code forwarding} says and sends the statement, its substitute, or its pipeline. */
    private void go(ChannelHandlerContext ctx, Statement statement, StatementTracker.Forwarding forwarding) {
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

    /**
     * Whether a statement policy sends for review may wait here for a person: a simple Query, or the
     * Parse that begins a pipeline, that the target would run outside any transaction (a
     * transaction's locks are never held while a person decides), if approvals are on.
     */
    private boolean mayHold() {
        StatementTracker statements = session.statements();
        return clerk != null && statements.idle() && !statements.midBatch() && session.transactionStatus() == 'I';
    }

    /**
     * Files a request for a person's decision and holds the statement, and what the client sends
     * after it, until it is settled (see {@link Hold}).
     *
     * <pre>
     *   client                      Vigil                          store          approver
     *     | Query "update t ..."      | review: held                  |               |
     *     |-------------------------->|--- approval_request --------->|               |
     *     |     (waits)               |                               |<-- approve ---|
     *     |                           |<-- decision (within 1 s) -----|               |
     *     |                           | judged again, recorded, sent to the target    |
     *     |<----------------------------------------------- its answer, as ever       |
     * </pre>
     */
    private void holdForApproval(
            ChannelHandlerContext ctx, Statement statement, SqlAnalysis analysis, Verdict.Review review) {
        if (!statement.query() && !bindOrEndHeld()) {
            // The Bind with the values an approver must see comes with the Parse, if at all, before
            // the pipeline's Sync or Flush (the client awaits the server's answer to those only).
            awaitingApproval = statement.frame();
            awaitingNextFrame = () -> {
                awaitingApproval = null;
                holdForApproval(ctx, statement, analysis, review);
                if (awaitingApproval == null) {
                    stopWaiting(ctx); // it went on, or was refused at once: what followed goes on
                }
            };
            return;
        }
        if (!statement.query() && boundValues(statement.preparedName()) == null) {
            // Prepared without a Bind (as asyncpg prepares first): a Parse alone runs nothing, and an
            // approver would not see its values. It is decided at its Execute, where they are known:
            // refused there with a request, unless approved already.
            go(ctx, statement, session.statements().parse(statement.preparedName(), statement.sql(), analysis, false));
            return;
        }
        hold(ctx, statement, analysis, review);
    }

    /** Frames a held Parse's request waits for at most before it is decided without a Bind. */
    private static final int MAX_FRAMES_BEFORE_BIND = 64;

    /** Whether what is held after a Parse has its Bind, or ends its pipeline. */
    private boolean bindOrEndHeld() {
        if (held.size() >= MAX_FRAMES_BEFORE_BIND) {
            return true;
        }
        for (PgFrame frame : held.frames()) {
            byte type = frame.type();
            if (type == FrontendMessage.BIND || type == FrontendMessage.SYNC || type == FrontendMessage.FLUSH) {
                return true;
            }
        }
        return false;
    }

    private void hold(ChannelHandlerContext ctx, Statement statement, SqlAnalysis analysis, Verdict.Review review) {
        Understood understood = (Understood) analysis;
        String text = String.join(
                ";\n",
                understood.statements().stream().map(StatementShape::text).toList());
        List<String> values = statement.query() ? null : boundValues(statement.preparedName());
        if (understood.statements().stream().anyMatch(StatementShape::redacted)
                || values != null && analyzer.redaction().parameters(values, java.util.Set.of()) != values) {
            // A person would approve what they cannot see.
            refuseReview(ctx, statement, review, StatementTracker.SECRET_NOT_SHOWN, text);
            return;
        }
        long alreadyWaiting = clerk.waitingOfAgent();
        if (alreadyWaiting >= ApprovalClerk.MAX_WAITING_PER_AGENT) {
            // A flood of requests would bury the ones that matter: beyond the cap, review means deny.
            refuseReview(ctx, statement, review, ApprovalClerk.tooMany(alreadyWaiting), text);
            return;
        }
        awaitingApproval = statement.frame();
        session.clientReads().pause(ReadPause.Reason.APPROVAL);
        List<String> shown = session.agent().target().hashParameters() ? null : values;
        ApprovalDesk.Request request = clerk.request(review, text, values, shown, true);
        ScheduledFuture<?>[] expiry = new ScheduledFuture<?>[1];
        ChannelFutureListener gone = f -> {
            Hold waiting = session.held();
            if (waiting != null) {
                waiting.settle(new Hold.Withdrawn());
            }
        };
        Hold hold = new Hold(request, end -> {
            if (expiry[0] != null) {
                expiry[0].cancel(false);
            }
            ctx.channel().closeFuture().removeListener(gone);
            Runnable settle = () -> settled(ctx, statement, analysis, request, values, end);
            if (measuring && ctx.channel().isActive() && !session.ended()) {
                afterMeasuring = settle; // nothing goes to the target while Vigil's own queries run
            } else {
                settle.run();
            }
        });
        session.hold(hold);
        Duration limit = request.limit();
        if (!clerk.record(
                request,
                "approval.request",
                "waits in session " + session.id() + " for a person, up to " + limit.toSeconds() + " s: policy "
                        + review.policy() + " v" + review.version() + ", rule " + review.rule())) {
            ctx.executor().execute(() -> hold.settle(new Hold.Unfiled()));
            return;
        }
        expiry[0] = ctx.executor().schedule(() -> expire(ctx, hold), limit.toMillis(), TimeUnit.MILLISECONDS);
        // If it cannot be filed, the hold owns the frame now, and settles (releasing it) on the event loop.
        clerk.file(request, () -> hold.settle(new Hold.Unfiled()), ctx.executor());
        ctx.channel().closeFuture().addListener(gone);
        measure(ctx, hold, statement, understood, values, review);
    }

    /**
     * Measures the held statement for its approver (see {@link BlastRadius}) once the target owes
     * the client nothing; a decision that comes meanwhile waits until the session is back as it was.
     */
    private void measure(
            ChannelHandlerContext ctx,
            Hold hold,
            Statement statement,
            Understood understood,
            List<String> values,
            Verdict.Review review) {
        String unmeasurable = BlastRadius.unmeasurable(understood.statements(), values);
        if (unmeasurable == null && values != null && session.agent().target().hashParameters()) {
            // The plan and the target's messages would show values this target keeps out of Vigil's store.
            unmeasurable = "not measured: this target's values are kept only as a hash";
        } else if (unmeasurable == null
                && !statement.query()
                && !statement.preparedName().isEmpty()
                && session.statements().unnamedStatementKept()) {
            // Vigil's own simple queries would drop the client's unnamed prepared statement.
            unmeasurable =
                    "not measured: the client keeps an unnamed prepared statement Vigil's own queries would" + " drop";
        }
        if (unmeasurable != null) {
            clerk.measured(hold.request(), new ApprovalDesk.Measure(null, null, null, unmeasurable));
            return;
        }
        measuring = true;
        session.replies().whenIdle(() -> {
            if (hold.settled()
                    || !ctx.channel().isActive()
                    || session.transactionStatus() != 'I'
                    || !session.upstream().isActive()) {
                measured();
                return;
            }
            BlastRadius.measure(
                    session,
                    statement.sql(),
                    values,
                    understood.statements().getFirst(),
                    review.terms().countRows(),
                    () -> clerk.record(
                            hold.request(),
                            "approval.count",
                            "runs it as the agent's role in a transaction rolled back at once (statement_timeout "
                                    + BlastRadius.STATEMENT_TIMEOUT + ") to count the rows it would change"),
                    figures -> {
                        clerk.measured(hold.request(), figures);
                        measured();
                    });
        });
    }

    private void measured() {
        measuring = false;
        Runnable settle = afterMeasuring;
        afterMeasuring = null;
        if (settle != null) {
            settle.run();
        }
    }

    /**
     * The values the Bind after a held Parse binds, as they arrived with it; null if it has not
     * arrived, and then the approval holds only for a run without values.
     */
    private List<String> boundValues(String statementName) {
        for (PgFrame frame : held.frames()) {
            if (frame.type() == FrontendMessage.BIND) {
                Bind bind = Bind.decode(frame.body());
                return bind.statement().equals(statementName) ? bind.parameters() : null;
            }
        }
        return null;
    }

    /** Nobody decided in time: closed in the store as expired, unless a person decided just before. */
    private void expire(ChannelHandlerContext ctx, Hold hold) {
        if (hold.settled()) {
            return;
        }
        UUID id = hold.request().id();
        ApprovalDesk desk = clerk.approvals().desk();
        blocking.execute(() -> {
            Hold.End end;
            try {
                ApprovalDesk.Decision decision = desk.close(id, ApprovalDesk.Outcome.EXPIRED, clock.instant(), null)
                        ? null
                        : desk.decisions(List.of(id)).get(id);
                // Not expired, yet no decision to be read: denied all the same, as nobody decided in time.
                end = decision == null ? new Hold.Expired() : new Hold.Decided(decision);
            } catch (RuntimeException e) {
                end = new Hold.Expired(); // denied all the same: nobody decided in time that Vigil can see
            }
            Hold.End settled = end;
            ctx.executor().execute(() -> hold.settle(settled));
        });
    }

    /** The hold ended: the statement runs (judged again), or is refused saying why. */
    private void settled(
            ChannelHandlerContext ctx,
            Statement statement,
            SqlAnalysis analysis,
            ApprovalDesk.Request request,
            List<String> values,
            Hold.End end) {
        awaitingApproval = null;
        session.clientReads().resume(ReadPause.Reason.APPROVAL);
        if (!ctx.channel().isActive() || session.ended()) {
            ReferenceCountUtil.release(statement.frame());
            clerk.close(request, ApprovalDesk.Outcome.WITHDRAWN, null);
            return;
        }
        try {
            switch (end) {
                case Hold.Decided d
                when d.decision() != null && d.decision().approved() -> {
                    // Judged again with its names resolved as the target would (a lookup first if
                    // need be); record() tells the store whether it went.
                    session.statements().approveNext(values);
                    releasing = request;
                    forward(ctx, statement, analysis);
                    if (awaitingLookup != null) {
                        return; // lookedUp goes on
                    }
                }
                case Hold.Decided d -> {
                    String by = d.decision() == null ? "a person" : d.decision().by();
                    String why = d.decision() == null || d.decision().reason().isBlank()
                            ? ""
                            : ": " + d.decision().reason();
                    Long seq = refuseHeld(
                            ctx, statement, request, SqlState.INSUFFICIENT_PRIVILEGE, "denied by " + by + why);
                    clerk.close(request, ApprovalDesk.Outcome.REFUSED, seq);
                }
                case Hold.Expired e -> {
                    clerk.record(
                            request,
                            ApprovalTrail.action(ApprovalDesk.Outcome.EXPIRED),
                            "nobody decided in time: denied");
                    clerk.linked(
                            request,
                            refuseHeld(
                                    ctx,
                                    statement,
                                    request,
                                    SqlState.INSUFFICIENT_PRIVILEGE,
                                    "nobody approved it within " + Approvals.inWords(request.limit())
                                            + ", so it was not run"));
                }
                case Hold.Cancelled c -> {
                    Long seq = refuseHeld(
                            ctx,
                            statement,
                            request,
                            SqlState.QUERY_CANCELED,
                            "canceling statement due to user request");
                    clerk.close(request, ApprovalDesk.Outcome.WITHDRAWN, seq);
                }
                case Hold.Unfiled u ->
                    refuseHeld(
                            ctx,
                            statement,
                            request,
                            SqlState.INSUFFICIENT_PRIVILEGE,
                            "it needs a person's approval, and Vigil could not file the request (its store is"
                                    + " unreachable), so it was not run");
                case Hold.Withdrawn w -> {
                    ReferenceCountUtil.release(statement.frame());
                    clerk.close(request, ApprovalDesk.Outcome.WITHDRAWN, null);
                    return;
                }
            }
        } catch (RuntimeException e) {
            ctx.fireExceptionCaught(e);
            return;
        }
        stopWaiting(ctx);
    }

    /**
     * A held statement not run: recorded as refused, a substitute sent so the target answers in
     * turn. Returns its place in the session's trail.
     */
    private Long refuseHeld(
            ChannelHandlerContext ctx,
            Statement statement,
            ApprovalDesk.Request request,
            String sqlState,
            String message) {
        // Recorded as understood, as the approver saw it.
        StatementTracker.Forwarding refused = refusal(statement, new Refused(sqlState, message, 0, request.sql()));
        go(ctx, statement, refused);
        return startedSeq(refused);
    }

    /** The place in the trail of the (first) statement {@code forwarding} starts, null if none. */
    private static Long startedSeq(StatementTracker.Forwarding forwarding) {
        return forwarding.events().stream()
                .filter(AuditEvent.StatementStarted.class::isInstance)
                .map(e -> ((AuditEvent.StatementStarted) e).seq())
                .findFirst()
                .orElse(null);
    }

    /** A statement sent for review that may not wait for a person: refused, saying why not. */
    private void refuseReview(
            ChannelHandlerContext ctx, Statement statement, Verdict.Review review, String whyNot, String text) {
        go(
                ctx,
                statement,
                refusal(statement, new Refused(SqlState.INSUFFICIENT_PRIVILEGE, review.notRun(whyNot), 0, text)));
    }

    /** {@code statement} refused: recorded so, its answer from the target to be replaced. */
    private StatementTracker.Forwarding refusal(Statement statement, Refused refused) {
        StatementTracker statements = session.statements();
        return statement.query()
                ? statements.refuseQuery(statement.sql(), refused)
                : statements.parse(statement.preparedName(), statement.sql(), refused);
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
        measured(); // a decision that waited for a measure that will not finish: the frame is released
        if (awaitingNextFrame != null) {
            awaitingNextFrame = null;
            ReferenceCountUtil.release(awaitingApproval);
            awaitingApproval = null;
        }
        Hold hold = session.held();
        if (hold != null) {
            hold.settle(new Hold.Withdrawn()); // releases the held statement
        }
        if (awaitingLookup != null) {
            ReferenceCountUtil.release(awaitingLookup);
            awaitingLookup = null;
        }
        ctx.fireChannelInactive();
    }
}
