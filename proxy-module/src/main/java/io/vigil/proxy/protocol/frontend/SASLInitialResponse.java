package io.vigil.proxy.protocol.frontend;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.vigil.proxy.protocol.ProtocolViolation;
import io.vigil.proxy.protocol.Wire;

/**
 * SASLInitialResponse (F): {@code Byte1('p') Int32 length, String mechanism, Int32 length of data
 * (-1 for none), Byte(n) data}.
 */
public record SASLInitialResponse(String mechanism, byte[] data) implements FrontendMessage {

    public static SASLInitialResponse decode(ByteBuf body) {
        String mechanism = Wire.readCString(body);
        if (body.readableBytes() < 4) {
            throw new ProtocolViolation("SASLInitialResponse is truncated");
        }
        int length = body.readInt();
        if (length < -1 || length > body.readableBytes()) {
            throw new ProtocolViolation("SASLInitialResponse has an invalid data length " + length);
        }
        byte[] data = length <= 0 ? new byte[0] : ByteBufUtil.getBytes(body.readSlice(length));
        Wire.requireConsumed(body, "SASLInitialResponse");
        return new SASLInitialResponse(mechanism, data);
    }
}
