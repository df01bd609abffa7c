package io.vigil.proxy.pipeline;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.vigil.proxy.session.Session;
import java.util.concurrent.TimeUnit;

/**
 * Ends a session that has been quiet for too long, like PostgreSQL's idle_session_timeout: only
 * when no statement is in flight, so a long query is never cut off for being silent.
 */
final class IdleSessionHandler extends IdleStateHandler {

    /** idle_session_timeout's SQLSTATE. */
    private static final String IDLE_SESSION_TIMEOUT = "57P05";

    private final Session session;

    IdleSessionHandler(Session session, long timeoutMillis) {
        super(0, 0, timeoutMillis, TimeUnit.MILLISECONDS);
        this.session = session;
    }

    @Override
    protected void channelIdle(ChannelHandlerContext ctx, IdleStateEvent event) {
        if (session.statements().inFlight() == 0) {
            session.terminate(IDLE_SESSION_TIMEOUT, "terminating connection due to idle-session timeout");
        }
    }
}
