package io.vigil.proxy.pipeline;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.vigil.proxy.protocol.PgFrame;
import io.vigil.proxy.protocol.PgFramePart;

/**
 * A handler that looks at each frame on its way through and passes it on, unless it keeps it back.
 * A frame that fails to decode is released here, so no inspector can leak one.
 */
abstract class FrameInspector extends ChannelInboundHandlerAdapter {

    @Override
    public final void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof PgFramePart) {
            // The rest of a long frame this handler has already looked at.
            ctx.fireChannelRead(msg);
            return;
        }
        PgFrame frame = (PgFrame) msg;
        boolean pass;
        try {
            pass = inspect(ctx, frame);
        } catch (RuntimeException e) {
            ReferenceCountUtil.release(frame);
            throw e;
        }
        if (pass) {
            ctx.fireChannelRead(frame);
        }
    }

    /**
     * @return true to pass the frame on; false if this handler kept it back, and then it has
     *     released it
     */
    abstract boolean inspect(ChannelHandlerContext ctx, PgFrame frame);
}
