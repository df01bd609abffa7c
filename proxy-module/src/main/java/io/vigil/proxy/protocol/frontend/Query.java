package io.vigil.proxy.protocol.frontend;

import io.netty.buffer.ByteBuf;
import io.vigil.proxy.protocol.Wire;

/**
 * Query (F): {@code Byte1('Q') Int32 length, String query}.
 *
 * @param wellFormedUtf8 false if the text was not valid UTF-8 (it is kept with the bad bytes
 *     replaced, for the record; the gateway does not forward it)
 */
public record Query(String sql, boolean wellFormedUtf8) implements FrontendMessage {

    public static Query decode(ByteBuf body) {
        Wire.Text sql = Wire.readText(body);
        Wire.requireConsumed(body, "Query");
        return new Query(sql.value(), sql.wellFormed());
    }
}
