package io.vigil.proxy.protocol.backend;

/** ParameterStatus (B): {@code Byte1('S') Int32 length, String name, String value}. */
public record ParameterStatus(String name, String value) implements BackendMessage {}
