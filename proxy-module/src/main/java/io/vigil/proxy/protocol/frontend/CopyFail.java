package io.vigil.proxy.protocol.frontend;

/** CopyFail (F): {@code Byte1('f') Int32 length, String message}: the COPY FROM STDIN is given up. */
public record CopyFail(String message) implements FrontendMessage {}
