package io.vigil.proxy.pipeline;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.vigil.proxy.directory.Target;
import io.vigil.proxy.protocol.backend.BackendKeyData;
import io.vigil.proxy.protocol.frontend.CancelRequest;
import io.vigil.proxy.protocol.frontend.FrontendEncoder;
import io.vigil.proxy.session.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Passes a client's cancel on to the target, with the target's own key for that session, and tells
 * the session when it has gone ({@link Session#cancelDelivered}).
 *
 * <pre>
 * client (new connection)           Vigil                         PostgreSQL (new connection)
 *   | CancelRequest(Vigil's key)      |                               |
 *   |-------------------------------->| look the session up           |
 *   |                  close          | CancelRequest(target's key)   |
 *   |<--------------------------------|------------------------------>| cancels the running query
 * </pre>
 */
final class CancelForwarder {

    private static final Logger log = LoggerFactory.getLogger(CancelForwarder.class);

    private CancelForwarder() {}

    static void forward(Session session, EventLoop loop, Class<? extends Channel> channelType) {
        BackendKeyData key = session.upstreamKey();
        Target target = session.agent().target();
        log.info(
                "cancel requested for session {} of agent {}",
                session.id(),
                session.agent().name());
        new Bootstrap()
                .group(loop)
                .channel(channelType)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5_000)
                .handler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelActive(ChannelHandlerContext ctx) {
                        ctx.writeAndFlush(FrontendEncoder.encode(
                                        new CancelRequest(key.processId(), key.secretKey()), ctx.alloc()))
                                .addListener(ChannelFutureListener.CLOSE);
                    }
                })
                .connect(target.host(), target.port())
                .addListener((ChannelFuture f) -> {
                    if (!f.isSuccess()) {
                        log.warn(
                                "cannot pass a cancel on to target {}: {}",
                                target.name(),
                                f.cause().toString());
                        // A channel that could not be made may never report its close.
                        session.client().eventLoop().execute(session::cancelDelivered);
                        return;
                    }
                    f.channel()
                            .closeFuture()
                            .addListener(closed -> session.client().eventLoop().execute(session::cancelDelivered));
                });
    }
}
