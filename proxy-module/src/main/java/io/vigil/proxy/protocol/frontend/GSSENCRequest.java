package io.vigil.proxy.protocol.frontend;

/** GSSENCRequest (F): {@code Int32(8) Int32(80877104)}. */
public record GSSENCRequest() implements FrontendMessage {

    public static final int CODE = 80877104;
}
