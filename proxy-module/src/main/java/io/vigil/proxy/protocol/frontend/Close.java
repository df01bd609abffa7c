package io.vigil.proxy.protocol.frontend;

import io.netty.buffer.ByteBuf;
import io.vigil.proxy.protocol.ProtocolViolation;
import io.vigil.proxy.protocol.Wire;

/** Close (F): {@code Byte1('C') Int32 length, Byte1 'S' (statement) or 'P' (portal), String name}. */
public record Close(byte kind, String name) implements FrontendMessage {

    public static final byte STATEMENT = 'S';
    public static final byte PORTAL = 'P';

    public static Close decode(ByteBuf body) {
        if (!body.isReadable()) {
            throw new ProtocolViolation("Close is truncated");
        }
        byte kind = body.readByte();
        if (kind != STATEMENT && kind != PORTAL) {
            throw new ProtocolViolation("Close has an invalid kind");
        }
        String name = Wire.readCStringLenient(body);
        Wire.requireConsumed(body, "Close");
        return new Close(kind, name);
    }
}
