package io.vigil.proxy.pipeline;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.vigil.proxy.protocol.ProtocolViolation;
import io.vigil.proxy.protocol.SqlState;
import io.vigil.proxy.session.ClientReplies;
import java.io.IOException;
import java.net.SocketException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Last handler of every client pipeline: turns any failure into a FATAL ErrorResponse and a close.
 * The client sees a protocol-correct error, never a stack trace; the log gets one only for our own
 * bugs.
 */
final class ClientErrorHandler extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(ClientErrorHandler.class);

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ProtocolViolation violation = violation(cause);
        if (violation != null) {
            log.info("closing {}: {}", ctx.channel().remoteAddress(), violation.getMessage());
            ClientReplies.of(ctx.channel()).fatal(violation.sqlState(), violation.getMessage());
        } else if (cause instanceof IOException || cause instanceof SocketException) {
            log.debug("connection {} failed: {}", ctx.channel().remoteAddress(), cause.getMessage());
            ctx.close();
        } else {
            log.error("internal error on connection {}", ctx.channel().remoteAddress(), cause);
            ClientReplies.of(ctx.channel()).fatal(SqlState.INTERNAL_ERROR, "internal error in Vigil");
        }
    }

    private static ProtocolViolation violation(Throwable cause) {
        if (cause instanceof ProtocolViolation v) {
            return v;
        }
        if (cause instanceof DecoderException && cause.getCause() instanceof ProtocolViolation v) {
            return v;
        }
        return null;
    }
}
