package io.vigil.proxy.protocol.frontend;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;

/** SASLResponse (F): {@code Byte1('p') Int32 length, Byte(n) data}. */
public record SASLResponse(byte[] data) implements FrontendMessage {

    public static SASLResponse decode(ByteBuf body) {
        return new SASLResponse(ByteBufUtil.getBytes(body));
    }
}
