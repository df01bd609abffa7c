package io.vigil.proxy.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;

/**
 * More of the body of the last {@link PgFrame}, which was passed on before it was whole (see
 * {@link PgFrame#head}). Relayed as it is; owns one reference to its buffer.
 */
public final class PgFramePart extends DefaultByteBufHolder {

    public PgFramePart(ByteBuf bytes) {
        super(bytes);
    }

    @Override
    public String toString() {
        return "PgFramePart(" + content().readableBytes() + " bytes)";
    }
}
