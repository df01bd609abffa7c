package io.vigil.proxy.protocol.frontend;

import io.netty.buffer.ByteBuf;
import io.vigil.proxy.protocol.Wire;

/**
 * Parse (F): {@code Byte1('P') Int32 length, String statement, String query, Int16 n, Int32[n]
 * parameter types}. Only the names are decoded: the rest is relayed untouched.
 */
public record Parse(String statement, String sql, boolean wellFormedUtf8) implements FrontendMessage {

    public static Parse decode(ByteBuf body) {
        String statement = Wire.readCStringLenient(body);
        Wire.Text sql = Wire.readText(body);
        return new Parse(statement, sql.value(), sql.wellFormed());
    }
}
