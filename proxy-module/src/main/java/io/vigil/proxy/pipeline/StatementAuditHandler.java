package io.vigil.proxy.pipeline;

import io.netty.channel.ChannelHandlerContext;
import io.netty.util.ReferenceCountUtil;
import io.vigil.proxy.audit.AuditEvent.StatementStarted;
import io.vigil.proxy.protocol.PgFrame;
import io.vigil.proxy.protocol.SqlState;
import io.vigil.proxy.protocol.backend.ErrorResponse;
import io.vigil.proxy.protocol.backend.ReadyForQuery;
import io.vigil.proxy.protocol.frontend.Bind;
import io.vigil.proxy.protocol.frontend.Close;
import io.vigil.proxy.protocol.frontend.Execute;
import io.vigil.proxy.protocol.frontend.FrontendMessage;
import io.vigil.proxy.protocol.frontend.Parse;
import io.vigil.proxy.protocol.frontend.Query;
import io.vigil.proxy.session.Session;
import io.vigil.proxy.session.StatementTracker;

/**
 * Client side of the audit: notes each statement as it is forwarded. Only the messages that start,
 * name or end statements are decoded; everything else passes untouched. A statement the trail
 * refuses is not forwarded: the session ends instead.
 */
final class StatementAuditHandler extends FrameInspector {

    private final Session session;

    StatementAuditHandler(Session session) {
        this.session = session;
    }

    @Override
    boolean inspect(ChannelHandlerContext ctx, PgFrame frame) {
        StatementTracker statements = session.statements();
        StatementStarted started = null;
        switch (frame.type()) {
            case FrontendMessage.QUERY ->
                started = statements.query(Query.decode(frame.body()).sql());
            case FrontendMessage.PARSE -> {
                Parse parse = Parse.decode(frame.body());
                statements.parse(parse.statement(), parse.sql());
            }
            case FrontendMessage.BIND -> {
                Bind bind = Bind.decode(frame.body());
                statements.bind(bind.portal(), bind.statement());
            }
            case FrontendMessage.EXECUTE ->
                started = statements.execute(Execute.decode(frame.body()).portal());
            case FrontendMessage.CLOSE -> {
                Close close = Close.decode(frame.body());
                if (close.kind() == Close.STATEMENT) {
                    statements.closeStatement(close.name());
                } else {
                    statements.closePortal(close.name());
                }
            }
            case FrontendMessage.SYNC -> statements.sync();
            case FrontendMessage.TERMINATE -> {
                session.closeReason("client terminated");
                session.expectClose();
            }
            case FrontendMessage.FUNCTION_CALL -> {
                // Like a simple query that fails: ErrorResponse, then ReadyForQuery, session goes on.
                ReferenceCountUtil.release(frame);
                session.replyWhenIdle(() -> {
                    Replies.write(
                            ctx.channel(),
                            ErrorResponse.error(
                                    SqlState.FEATURE_NOT_SUPPORTED,
                                    "the fast-path function call protocol is not supported through Vigil"));
                    Replies.write(ctx.channel(), new ReadyForQuery(session.transactionStatus()));
                    ctx.flush();
                });
                return false;
            }
            default -> {}
        }
        if (started == null) {
            return true;
        }
        session.slowDownIfTrailCongested();
        if (!session.record(started)) {
            refuse(
                    ctx,
                    frame,
                    SqlState.CONFIGURATION_LIMIT_EXCEEDED,
                    "Vigil's audit trail cannot take more statements now; the statement was not run");
            return false;
        }
        return true;
    }

    private void refuse(ChannelHandlerContext ctx, PgFrame frame, String sqlState, String message) {
        ReferenceCountUtil.release(frame);
        session.closeReason(message);
        Replies.fatal(ctx.channel(), sqlState, message);
    }
}
