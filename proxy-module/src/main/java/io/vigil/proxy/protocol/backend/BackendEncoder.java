package io.vigil.proxy.protocol.backend;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.vigil.proxy.protocol.Wire;
import io.vigil.proxy.protocol.backend.Authentication.AuthenticationCleartextPassword;
import io.vigil.proxy.protocol.backend.Authentication.AuthenticationMD5Password;
import io.vigil.proxy.protocol.backend.Authentication.AuthenticationOk;
import io.vigil.proxy.protocol.backend.Authentication.AuthenticationSASL;
import io.vigil.proxy.protocol.backend.Authentication.AuthenticationSASLContinue;
import io.vigil.proxy.protocol.backend.Authentication.AuthenticationSASLFinal;
import io.vigil.proxy.protocol.backend.Authentication.AuthenticationUnsupported;
import java.util.Map;

/** Writes the backend messages the gateway sends to clients itself. */
public final class BackendEncoder {

    private BackendEncoder() {}

    public static ByteBuf encode(BackendMessage message, ByteBufAllocator alloc) {
        ByteBuf buf = alloc.buffer();
        switch (message) {
            case Authentication m -> authentication(buf, m);
            case ParameterStatus m -> {
                int at = Wire.beginFrame(buf, 'S');
                Wire.writeCString(buf, m.name());
                Wire.writeCString(buf, m.value());
                Wire.endFrame(buf, at);
            }
            case BackendKeyData m -> {
                int at = Wire.beginFrame(buf, 'K');
                buf.writeInt(m.processId());
                buf.writeInt(m.secretKey());
                Wire.endFrame(buf, at);
            }
            case ReadyForQuery m -> {
                int at = Wire.beginFrame(buf, 'Z');
                buf.writeByte(m.status());
                Wire.endFrame(buf, at);
            }
            case CommandComplete m -> {
                int at = Wire.beginFrame(buf, 'C');
                Wire.writeCString(buf, m.tag());
                Wire.endFrame(buf, at);
            }
            case NegotiateProtocolVersion m -> {
                int at = Wire.beginFrame(buf, 'v');
                buf.writeInt(m.newestMinorVersion());
                buf.writeInt(m.unrecognizedOptions().size());
                m.unrecognizedOptions().forEach(option -> Wire.writeCString(buf, option));
                Wire.endFrame(buf, at);
            }
            case DataRow m -> {
                int at = Wire.beginFrame(buf, 'D');
                buf.writeShort(m.columns().size());
                for (String column : m.columns()) {
                    if (column == null) {
                        buf.writeInt(-1);
                    } else {
                        byte[] bytes = column.getBytes(java.nio.charset.StandardCharsets.UTF_8);
                        buf.writeInt(bytes.length);
                        buf.writeBytes(bytes);
                    }
                }
                Wire.endFrame(buf, at);
            }
            case ErrorResponse m -> {
                int at = Wire.beginFrame(buf, 'E');
                for (Map.Entry<Character, String> field : m.fields().entrySet()) {
                    buf.writeByte(field.getKey());
                    Wire.writeCString(buf, field.getValue());
                }
                buf.writeByte(0);
                Wire.endFrame(buf, at);
            }
        }
        return buf;
    }

    private static void authentication(ByteBuf buf, Authentication message) {
        int at = Wire.beginFrame(buf, 'R');
        switch (message) {
            case AuthenticationOk m -> buf.writeInt(Authentication.OK);
            case AuthenticationCleartextPassword m -> buf.writeInt(Authentication.CLEARTEXT_PASSWORD);
            case AuthenticationMD5Password m -> {
                buf.writeInt(Authentication.MD5_PASSWORD);
                buf.writeBytes(m.salt());
            }
            case AuthenticationSASL m -> {
                buf.writeInt(Authentication.SASL);
                m.mechanisms().forEach(mechanism -> Wire.writeCString(buf, mechanism));
                buf.writeByte(0);
            }
            case AuthenticationSASLContinue m -> {
                buf.writeInt(Authentication.SASL_CONTINUE);
                buf.writeBytes(m.data());
            }
            case AuthenticationSASLFinal m -> {
                buf.writeInt(Authentication.SASL_FINAL);
                buf.writeBytes(m.data());
            }
            case AuthenticationUnsupported m -> buf.writeInt(m.kind());
        }
        Wire.endFrame(buf, at);
    }
}
