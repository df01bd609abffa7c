package io.vigil.proxy.protocol.frontend;

/** SSLRequest (F): {@code Int32(8) Int32(80877103)}. */
public record SSLRequest() implements FrontendMessage {

    public static final int CODE = 80877103;
}
