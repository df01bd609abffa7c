package io.vigil.proxy.pipeline;

import io.netty.channel.ChannelHandlerContext;
import io.netty.util.ReferenceCountUtil;
import io.vigil.proxy.protocol.PgFrame;
import io.vigil.proxy.protocol.SqlState;
import io.vigil.proxy.protocol.backend.BackendDecoder;
import io.vigil.proxy.protocol.backend.BackendMessage;
import io.vigil.proxy.protocol.backend.CommandComplete;
import io.vigil.proxy.protocol.backend.DataRow;
import io.vigil.proxy.protocol.backend.ErrorResponse;
import io.vigil.proxy.protocol.backend.ParameterStatus;
import io.vigil.proxy.protocol.backend.ReadyForQuery;
import io.vigil.proxy.session.ClientReplies;
import io.vigil.proxy.session.OwnQuery;
import io.vigil.proxy.session.Session;
import io.vigil.proxy.session.StatementTracker;
import io.vigil.proxy.sql.LexingSettings;
import io.vigil.proxy.sql.SqlAnalysis.Refused;
import java.util.ArrayList;
import java.util.List;

/**
 * Upstream side of the audit: reads each statement's outcome from the target's answers. Only
 * CommandComplete and ErrorResponse bodies are decoded; every frame is relayed as it came.
 */
final class ResponseAuditHandler extends FrameInspector {

    private final Session session;
    /** The rows of the gateway's own query, passed on once its answer is complete. */
    private final List<DataRow> rows = new ArrayList<>();

    private boolean ownQueryFailed;

    ResponseAuditHandler(Session session) {
        this.session = session;
    }

    @Override
    boolean inspect(ChannelHandlerContext ctx, PgFrame frame) {
        if (session.ownQuery() != null && answersQuery(frame.type())) {
            ownAnswer(frame);
            return false;
        }
        StatementTracker statements = session.statements();
        switch (frame.type()) {
            case BackendMessage.DATA_ROW -> statements.dataRow();
            case BackendMessage.PARAMETER_STATUS -> {
                ParameterStatus status = (ParameterStatus) BackendDecoder.decode(frame);
                if (!LexingSettings.allows(status.name(), status.value())) {
                    // Everything after this would be lexed differently by the server than by Vigil.
                    ReferenceCountUtil.release(frame);
                    session.terminate(
                            SqlState.FEATURE_NOT_SUPPORTED, LexingSettings.refusal(status.name(), status.value()));
                    return false;
                }
                session.reported(status.name(), status.value());
            }
            case BackendMessage.COMMAND_COMPLETE -> {
                CommandComplete complete = (CommandComplete) BackendDecoder.decode(frame);
                session.recordAll(statements.commandComplete(complete.tag(), complete.rows()));
            }
            case BackendMessage.EMPTY_QUERY_RESPONSE -> session.recordAll(statements.emptyQuery());
            case BackendMessage.PORTAL_SUSPENDED -> session.recordAll(statements.portalSuspended());
            case BackendMessage.ERROR_RESPONSE -> {
                Refused refused = statements.refusalAwaitingReply();
                if (refused != null && !frame.complete()) {
                    // The substitute's error is a short one of PostgreSQL's; this one is not.
                    ReferenceCountUtil.release(frame);
                    session.terminate(SqlState.PROTOCOL_VIOLATION, "the target answered out of turn");
                    return false;
                }
                if (refused != null) {
                    // The target's answer to the substitute for a refused statement: say why instead.
                    session.recordAll(statements.refusalAnswered());
                    ClientReplies.inPlaceOf(
                            ctx, frame, ErrorResponse.error(refused.sqlState(), refused.message(), refused.position()));
                    return false;
                }
                ErrorResponse error = (ErrorResponse) BackendDecoder.decode(frame);
                if (error.fatal()) {
                    session.closeReason("the target ended the session: " + error.sqlState() + " " + error.message());
                    session.expectClose();
                }
                session.recordAll(statements.error(error.sqlState(), error.message()));
            }
            case BackendMessage.READY_FOR_QUERY -> {
                session.transactionStatus(((ReadyForQuery) BackendDecoder.decode(frame)).status());
                session.recordAll(statements.readyForQuery());
                if (!session.client().isActive() && statements.inFlight() == 0) {
                    // The client has gone and what it left running has answered: nothing to wait for.
                    ReferenceCountUtil.release(frame);
                    ctx.close();
                    return false;
                }
                if (session.replies().awaitsIdle()) {
                    // After the relay has written this ReadyForQuery, the gateway's own reply follows.
                    ctx.executor().execute(session.replies()::targetAnswered);
                }
            }
            default -> {}
        }
        return true;
    }

    /**
     * The messages that answer a query, and the notices it raises (a trigger's or a function's while
     * Vigil measures a held statement: the client sent nothing, and is told nothing). Others that may
     * come meanwhile belong to the client as ever: a notification, a setting's new value (checked as
     * always).
     */
    private static boolean answersQuery(byte type) {
        return switch (type) {
            case BackendMessage.NOTICE_RESPONSE,
                    BackendMessage.ROW_DESCRIPTION,
                    BackendMessage.DATA_ROW,
                    BackendMessage.COMMAND_COMPLETE,
                    BackendMessage.EMPTY_QUERY_RESPONSE,
                    BackendMessage.ERROR_RESPONSE,
                    BackendMessage.READY_FOR_QUERY -> true;
            default -> false;
        };
    }

    /**
     * A frame of the target's answer to the gateway's own query (see {@link Session#ask}): read
     * here, never relayed.
     */
    private void ownAnswer(PgFrame frame) {
        try {
            switch (frame.type()) {
                case BackendMessage.DATA_ROW -> {
                    if (session.ownQuery().rows() != null) {
                        rows.add((DataRow) BackendDecoder.decode(frame));
                    }
                }
                case BackendMessage.COMMAND_COMPLETE ->
                    session.ownQuery().completed().accept(((CommandComplete) BackendDecoder.decode(frame)).tag());
                case BackendMessage.ERROR_RESPONSE -> {
                    ownQueryFailed = true;
                    ErrorResponse error = (ErrorResponse) BackendDecoder.decode(frame);
                    session.ownQuery().failed().accept(error.sqlState(), error.message());
                }
                case BackendMessage.READY_FOR_QUERY -> {
                    session.transactionStatus(((ReadyForQuery) BackendDecoder.decode(frame)).status());
                    finishOwnQuery();
                }
                default -> {} // RowDescription, EmptyQueryResponse
            }
        } catch (RuntimeException e) {
            ownQueryFailed = true; // what does not read is not used
            if (frame.type() == BackendMessage.READY_FOR_QUERY) {
                finishOwnQuery();
            }
        } finally {
            ReferenceCountUtil.release(frame);
        }
    }

    private void finishOwnQuery() {
        OwnQuery query = session.ownQuery();
        try {
            if (query.rows() != null) {
                rows.forEach(query.rows());
            }
            query.answered().accept(!ownQueryFailed);
        } catch (RuntimeException e) {
            // An answer that does not read is not used.
        } finally {
            rows.clear();
            ownQueryFailed = false;
            session.ownQueryAnswered();
        }
    }

    /**
     * The target went away without a word (crashed, restarted, network cut): tell the client in
     * protocol terms rather than just dropping it. Its statement in flight stays "outcome unknown".
     */
    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (!session.closeExpected()) {
            session.closeReason("the target closed the connection unexpectedly");
            session.replies().fatal(SqlState.CONNECTION_FAILURE, "the connection to the target database was lost");
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        session.closeReason("upstream error: " + cause.getMessage());
        ctx.close();
    }
}
