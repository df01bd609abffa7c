package io.vigil.proxy.protocol.frontend;

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
                Close {

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
}
