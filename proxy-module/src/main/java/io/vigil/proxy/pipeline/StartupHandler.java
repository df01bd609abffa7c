package io.vigil.proxy.pipeline;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.vigil.proxy.protocol.MessageFrameDecoder;
import io.vigil.proxy.protocol.SqlState;
import io.vigil.proxy.protocol.frontend.CancelRequest;
import io.vigil.proxy.protocol.frontend.FrontendMessage;
import io.vigil.proxy.protocol.frontend.GSSENCRequest;
import io.vigil.proxy.protocol.frontend.SSLRequest;
import io.vigil.proxy.protocol.frontend.StartupMessage;

/**
 * Handles the packets a connection opens with. Encryption requests are declined with 'N' (the
 * client may then go on in the clear); a StartupMessage switches the connection to regular framing
 * and hands it to {@link ClientAuthHandler}.
 */
final class StartupHandler extends SimpleChannelInboundHandler<FrontendMessage> {

    private static final byte DECLINED = 'N';

    private final GatewayContext context;

    StartupHandler(GatewayContext context) {
        this.context = context;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FrontendMessage message) {
        switch (message) {
            case SSLRequest r -> decline(ctx);
            case GSSENCRequest r -> decline(ctx);
            case CancelRequest r -> ctx.close();
            case StartupMessage m -> startup(ctx, m);
            default -> Replies.fatal(ctx.channel(), SqlState.PROTOCOL_VIOLATION, "unexpected startup packet");
        }
    }

    private static void decline(ChannelHandlerContext ctx) {
        ctx.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {DECLINED}));
    }

    private void startup(ChannelHandlerContext ctx, StartupMessage startup) {
        String user = startup.user();
        if (user == null || user.isEmpty()) {
            Replies.fatal(
                    ctx.channel(),
                    SqlState.INVALID_AUTHORIZATION_SPECIFICATION,
                    "no PostgreSQL user name specified in startup packet");
            return;
        }
        var pipeline = ctx.pipeline();
        // Added after the startup decoder before removing it, so bytes it already buffered flow
        // into the new decoder rather than past it.
        pipeline.addAfter(
                PipelineNames.STARTUP_DECODER,
                PipelineNames.FRAME_DECODER,
                new MessageFrameDecoder(context.limits().maxUnauthenticatedMessageLength()));
        pipeline.remove(PipelineNames.STARTUP_DECODER);
        pipeline.replace(this, PipelineNames.CLIENT_AUTH, new ClientAuthHandler(context, startup));
    }
}
