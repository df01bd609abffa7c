package io.vigil.proxy.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * A decoder that frames bytes and gives up for good on the first protocol violation: once the
 * stream is out of sync nothing after it can be trusted, so what is buffered is dropped rather than
 * decoded again (for example when the channel closes).
 */
public abstract class FramingDecoder extends ByteToMessageDecoder {

    @Override
    protected final void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        try {
            frame(in, out);
        } catch (ProtocolViolation e) {
            in.skipBytes(in.readableBytes());
            throw e;
        }
    }

    /** Adds every complete frame in {@code in} to {@code out}; leaves partial ones buffered. */
    protected abstract void frame(ByteBuf in, List<Object> out);
}
