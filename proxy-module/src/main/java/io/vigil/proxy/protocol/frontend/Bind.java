package io.vigil.proxy.protocol.frontend;

import io.netty.buffer.ByteBuf;
import io.vigil.proxy.protocol.Wire;

/**
 * Bind (F): {@code Byte1('B') Int32 length, String portal, String statement, formats, parameters,
 * result formats}. Only the names are decoded: parameters are relayed untouched.
 */
public record Bind(String portal, String statement) implements FrontendMessage {

    public static Bind decode(ByteBuf body) {
        return new Bind(Wire.readCStringLenient(body), Wire.readCStringLenient(body));
    }
}
