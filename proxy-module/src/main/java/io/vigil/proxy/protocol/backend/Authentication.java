package io.vigil.proxy.protocol.backend;

import java.util.List;

/**
 * The Authentication* family (B): {@code Byte1('R') Int32 length, Int32 kind, ...}. One record per
 * kind the gateway speaks.
 */
public sealed interface Authentication extends BackendMessage {

    int OK = 0;
    int CLEARTEXT_PASSWORD = 3;
    int MD5_PASSWORD = 5;
    int SASL = 10;
    int SASL_CONTINUE = 11;
    int SASL_FINAL = 12;

    /** AuthenticationOk (B). */
    record AuthenticationOk() implements Authentication {}

    /** AuthenticationCleartextPassword (B). */
    record AuthenticationCleartextPassword() implements Authentication {}

    /** AuthenticationMD5Password (B): {@code Byte4 salt}. */
    record AuthenticationMD5Password(byte[] salt) implements Authentication {}

    /** AuthenticationSASL (B): {@code (String mechanism)*, Byte1(0)}. */
    record AuthenticationSASL(List<String> mechanisms) implements Authentication {
        public AuthenticationSASL {
            mechanisms = List.copyOf(mechanisms);
        }
    }

    /** AuthenticationSASLContinue (B): {@code Byte(n) data}. */
    record AuthenticationSASLContinue(byte[] data) implements Authentication {}

    /** AuthenticationSASLFinal (B): {@code Byte(n) data}. */
    record AuthenticationSASLFinal(byte[] data) implements Authentication {}

    /** Any other kind (Kerberos, GSS, SSPI): the gateway refuses them. */
    record AuthenticationUnsupported(int kind) implements Authentication {}
}
