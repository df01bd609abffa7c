package io.vigil.proxy.protocol;

import io.netty.handler.codec.DecoderException;

/**
 * The peer sent bytes that are not valid protocol. The connection cannot go on: the gateway answers
 * with a FATAL ErrorResponse carrying {@link #sqlState()} and closes.
 */
public final class ProtocolViolation extends DecoderException {

    private static final long serialVersionUID = 1L;

    private final String sqlState;

    public ProtocolViolation(String message) {
        this(SqlState.PROTOCOL_VIOLATION, message);
    }

    public ProtocolViolation(String sqlState, String message) {
        super(message);
        this.sqlState = sqlState;
    }

    public String sqlState() {
        return sqlState;
    }

    /** No stack trace: these come from peers, are expected, and are never logged with one. */
    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }
}
