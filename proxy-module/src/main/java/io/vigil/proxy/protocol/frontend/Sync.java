package io.vigil.proxy.protocol.frontend;

/** Sync (F): {@code Byte1('S') Int32(4)}: the end of an extended-query pipeline. */
public record Sync() implements FrontendMessage {}
