package io.vigil.proxy.protocol.frontend;

/** CancelRequest (F): {@code Int32(16) Int32(80877102) Int32 processId Int32 secretKey}. */
public record CancelRequest(int processId, int secretKey) implements FrontendMessage {

    public static final int CODE = 80877102;
}
