package io.vigil.proxy.protocol.frontend;

import io.netty.buffer.ByteBuf;
import io.vigil.proxy.protocol.Wire;

/** Query (F): {@code Byte1('Q') Int32 length, String query}. */
public record Query(String sql) implements FrontendMessage {

    public static Query decode(ByteBuf body) {
        String sql = Wire.readCStringLenient(body);
        Wire.requireConsumed(body, "Query");
        return new Query(sql);
    }
}
