package io.vigil.proxy.pipeline;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;
import io.vigil.proxy.session.Session;
import io.vigil.proxy.session.StatementTracker;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Ends a session that has been quiet for too long, like PostgreSQL's idle_session_timeout. Quiet
 * means no statement in flight, and none for the whole timeout since the later of the client's
 * last message and the target's last ReadyForQuery: a long query is never cut off for being
 * silent, and its end starts the wait afresh.
 *
 * <p>It watches reads and the statement tracker only. Netty's IdleStateHandler watched writes too,
 * which cost a promise and a listener on every message relayed to the client.
 */
final class IdleSessionHandler extends ChannelInboundHandlerAdapter {

    /** idle_session_timeout's SQLSTATE. */
    private static final String IDLE_SESSION_TIMEOUT = "57P05";

    private final Session session;
    private final long timeoutNanos;
    private final LongSupplier nanoTime;
    private long lastReadNanos;
    private ScheduledFuture<?> check;

    /** @param nanoTime the clock the session's statement tracker runs on */
    IdleSessionHandler(Session session, long timeoutMillis, LongSupplier nanoTime) {
        this.session = session;
        this.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        this.nanoTime = nanoTime;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        lastReadNanos = nanoTime.getAsLong();
        checkIn(ctx, timeoutNanos);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancel();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        lastReadNanos = nanoTime.getAsLong(); // once per read from the socket, not per message
        ctx.fireChannelReadComplete();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancel();
        ctx.fireChannelInactive();
    }

    private void checkIn(ChannelHandlerContext ctx, long delayNanos) {
        check = ctx.executor().schedule(() -> check(ctx), delayNanos, TimeUnit.NANOSECONDS);
    }

    private void check(ChannelHandlerContext ctx) {
        if (!ctx.channel().isActive()) {
            return;
        }
        StatementTracker statements = session.statements();
        if (statements.inFlight() > 0 || session.held() != null) {
            // A statement running, or waiting for a person: the session is not idle.
            checkIn(ctx, timeoutNanos); // its ReadyForQuery will start the wait
            return;
        }
        long quiet = nanoTime.getAsLong() - Math.max(lastReadNanos, statements.readyAtNanos());
        if (quiet >= timeoutNanos) {
            session.terminate(IDLE_SESSION_TIMEOUT, "terminating connection due to idle-session timeout");
        } else {
            checkIn(ctx, timeoutNanos - quiet);
        }
    }

    private void cancel() {
        if (check != null) {
            check.cancel(false);
            check = null;
        }
    }
}
