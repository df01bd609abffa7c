package io.vigil.proxy.protocol.frontend;

import io.netty.buffer.ByteBuf;
import io.vigil.proxy.protocol.ProtocolViolation;
import io.vigil.proxy.protocol.Wire;

/** Execute (F): {@code Byte1('E') Int32 length, String portal, Int32 maxRows (0 = no limit)}. */
public record Execute(String portal, int maxRows) implements FrontendMessage {

    public static Execute decode(ByteBuf body) {
        String portal = Wire.readCStringLenient(body);
        if (body.readableBytes() != 4) {
            throw new ProtocolViolation("Execute has an invalid length");
        }
        return new Execute(portal, body.readInt());
    }
}
