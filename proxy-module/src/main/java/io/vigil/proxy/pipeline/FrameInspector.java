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

    /** Whether the parts coming belong to a frame this handler kept back. */
    private boolean droppingParts;

    @Override
    public final void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof PgFramePart) {
            // The rest of a long frame this handler has already looked at: it goes where its head went.
            if (droppingParts) {
                ReferenceCountUtil.release(msg);
            } else {
                ctx.fireChannelRead(msg);
            }
            return;
        }
        PgFrame frame = (PgFrame) msg;
        droppingParts = false;
        boolean pass;
        try {
            pass = inspect(ctx, frame);
        } catch (RuntimeException e) {
            ReferenceCountUtil.release(frame);
            throw e;
        }
        if (pass) {
            ctx.fireChannelRead(frame);
        } else {
            droppingParts = !frame.complete();
        }
    }

    /**
     * @return true to pass the frame on; false if this handler kept it back, and then it has
     *     released it
     */
    abstract boolean inspect(ChannelHandlerContext ctx, PgFrame frame);
}
