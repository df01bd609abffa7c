package io.vigil.proxy.protocol.backend;

/** BackendKeyData (B): {@code Byte1('K') Int32(12), Int32 processId, Int32 secretKey}. */
public record BackendKeyData(int processId, int secretKey) implements BackendMessage {}
