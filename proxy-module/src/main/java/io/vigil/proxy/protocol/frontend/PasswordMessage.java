package io.vigil.proxy.protocol.frontend;

import io.netty.buffer.ByteBuf;
import io.vigil.proxy.protocol.Wire;

/**
 * PasswordMessage (F): {@code Byte1('p') Int32 length, String password}. The gateway sends it
 * upstream (md5 login), and receives one from an agent only as a workload token, over TLS or
 * loopback; it never asks an agent for a password.
 */
public record PasswordMessage(String password) implements FrontendMessage {

    /** Decodes the password; the gateway receives one only as a workload token. */
    public static PasswordMessage decode(ByteBuf body) {
        String password = Wire.readCString(body);
        Wire.requireConsumed(body, "PasswordMessage");
        return new PasswordMessage(password);
    }

    @Override
    public String toString() {
        return "PasswordMessage[redacted]";
    }
}
