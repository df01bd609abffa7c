package io.vigil.proxy.protocol.backend;

/**
 * ReadyForQuery (B): {@code Byte1('Z') Int32(5), Byte1 status}: 'I' idle, 'T' in a transaction,
 * 'E' in a failed transaction.
 */
public record ReadyForQuery(byte status) implements BackendMessage {

    public static final byte IDLE = 'I';
}
