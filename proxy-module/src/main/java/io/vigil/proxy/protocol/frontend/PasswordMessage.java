package io.vigil.proxy.protocol.frontend;

/**
 * PasswordMessage (F): {@code Byte1('p') Int32 length, String password}. The gateway only sends it
 * upstream (md5 login); it never asks an agent for a cleartext or md5 password.
 */
public record PasswordMessage(String password) implements FrontendMessage {

    @Override
    public String toString() {
        return "PasswordMessage[redacted]";
    }
}
