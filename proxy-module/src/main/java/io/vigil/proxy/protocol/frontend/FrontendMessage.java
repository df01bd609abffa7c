package io.vigil.proxy.protocol.frontend;

import io.vigil.proxy.protocol.MessageTypes;

/**
 * A message from a client (frontend) to the server. Each record carries the exact protocol name and
 * decodes itself from a frame body with a static {@code decode}; {@link FrontendEncoder} writes the
 * ones the gateway sends upstream.
 */
public sealed interface FrontendMessage
        permits StartupMessage,
                SSLRequest,
                GSSENCRequest,
                CancelRequest,
                SASLInitialResponse,
                SASLResponse,
                PasswordMessage,
                Query,
                Parse,
                Bind,
                Execute,
                Describe,
                Flush,
                Close,
                CopyFail,
                Sync {

    // Type bytes of regular messages ('p' is shared by all password-family messages).
    byte PASSWORD_FAMILY = 'p';
    byte QUERY = 'Q';
    byte PARSE = 'P';
    byte BIND = 'B';
    byte DESCRIBE = 'D';
    byte EXECUTE = 'E';
    byte CLOSE = 'C';
    byte SYNC = 'S';
    byte FLUSH = 'H';
    byte FUNCTION_CALL = 'F';
    byte COPY_DATA = 'd';
    byte COPY_DONE = 'c';
    byte COPY_FAIL = 'f';
    byte TERMINATE = 'X';

    /** What an authenticated client may send: every regular message but the password family. */
    MessageTypes TYPES = new MessageTypes("frontend", "QPBDECSHFdcfX");

    /**
     * What a client may send while it authenticates: the password family, and every other regular
     * type so that the authentication can say which message it expected instead.
     */
    MessageTypes TYPES_AUTHENTICATING = new MessageTypes("frontend", "pQPBDECSHFdcfX");
}
