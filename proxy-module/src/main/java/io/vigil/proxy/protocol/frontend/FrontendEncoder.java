package io.vigil.proxy.protocol.frontend;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.vigil.proxy.protocol.Wire;
import java.util.Map;

/** Writes the frontend messages the gateway sends upstream, as the client of the target database. */
public final class FrontendEncoder {

    private FrontendEncoder() {}

    public static ByteBuf encode(FrontendMessage message, ByteBufAllocator alloc) {
        ByteBuf buf = alloc.buffer();
        switch (message) {
            case StartupMessage m -> {
                buf.writeInt(0);
                buf.writeInt(m.protocolVersion());
                for (Map.Entry<String, String> p : m.parameters().entrySet()) {
                    Wire.writeCString(buf, p.getKey());
                    Wire.writeCString(buf, p.getValue());
                }
                buf.writeByte(0);
                buf.setInt(0, buf.writerIndex());
            }
            case SASLInitialResponse m -> {
                int at = Wire.beginFrame(buf, 'p');
                Wire.writeCString(buf, m.mechanism());
                buf.writeInt(m.data().length);
                buf.writeBytes(m.data());
                Wire.endFrame(buf, at);
            }
            case SASLResponse m -> {
                int at = Wire.beginFrame(buf, 'p');
                buf.writeBytes(m.data());
                Wire.endFrame(buf, at);
            }
            case PasswordMessage m -> {
                int at = Wire.beginFrame(buf, 'p');
                Wire.writeCString(buf, m.password());
                Wire.endFrame(buf, at);
            }
            case Query m -> {
                int at = Wire.beginFrame(buf, 'Q');
                Wire.writeCString(buf, m.sql());
                Wire.endFrame(buf, at);
            }
            case SSLRequest m -> writeCode(buf, SSLRequest.CODE);
            case GSSENCRequest m -> writeCode(buf, GSSENCRequest.CODE);
            case CancelRequest m -> {
                buf.writeInt(16);
                buf.writeInt(CancelRequest.CODE);
                buf.writeInt(m.processId());
                buf.writeInt(m.secretKey());
            }
            case Parse m -> {
                // Without parameter types: the gateway's own Parses are a substitute, or a simple
                // Query's text run as a pipeline (which has no parameters).
                int at = Wire.beginFrame(buf, 'P');
                Wire.writeCString(buf, m.statement());
                Wire.writeCString(buf, m.sql());
                buf.writeShort(0);
                Wire.endFrame(buf, at);
            }
            case CopyFail m -> {
                int at = Wire.beginFrame(buf, 'f');
                Wire.writeCString(buf, m.message());
                Wire.endFrame(buf, at);
            }
            case Sync m -> Wire.endFrame(buf, Wire.beginFrame(buf, 'S'));
            case Bind m -> {
                // Text values, and results in text: as a simple Query gets them.
                int at = Wire.beginFrame(buf, 'B');
                Wire.writeCString(buf, m.portal());
                Wire.writeCString(buf, m.statement());
                buf.writeShort(0);
                buf.writeShort(m.parameters().size());
                for (String value : m.parameters()) {
                    if (value == null) {
                        buf.writeInt(-1);
                    } else {
                        byte[] bytes = value.getBytes(java.nio.charset.StandardCharsets.UTF_8);
                        buf.writeInt(bytes.length);
                        buf.writeBytes(bytes);
                    }
                }
                buf.writeShort(0);
                Wire.endFrame(buf, at);
            }
            case Describe m -> {
                int at = Wire.beginFrame(buf, 'D');
                buf.writeByte(m.kind());
                Wire.writeCString(buf, m.name());
                Wire.endFrame(buf, at);
            }
            case Execute m -> {
                int at = Wire.beginFrame(buf, 'E');
                Wire.writeCString(buf, m.portal());
                buf.writeInt(m.maxRows());
                Wire.endFrame(buf, at);
            }
            case Flush m -> Wire.endFrame(buf, Wire.beginFrame(buf, 'H'));
            case Close m -> throw unsupported(m, buf);
        }
        return buf;
    }

    private static void writeCode(ByteBuf buf, int code) {
        buf.writeInt(8);
        buf.writeInt(code);
    }

    /** Messages the gateway only relays: it never builds them itself. */
    private static IllegalArgumentException unsupported(FrontendMessage m, ByteBuf buf) {
        buf.release();
        return new IllegalArgumentException(m.getClass().getSimpleName() + " is relayed, never encoded");
    }
}
