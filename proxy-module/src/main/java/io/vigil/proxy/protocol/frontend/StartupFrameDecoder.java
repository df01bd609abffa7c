package io.vigil.proxy.protocol.frontend;

import io.netty.buffer.ByteBuf;
import io.vigil.proxy.protocol.FramingDecoder;
import io.vigil.proxy.protocol.ProtocolViolation;
import io.vigil.proxy.protocol.SqlState;
import io.vigil.proxy.protocol.Wire;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decodes the untyped packets a connection opens with ({@code Int32 length, Int32 code, ...}) into
 * {@link StartupMessage}, {@link SSLRequest}, {@link GSSENCRequest} or {@link CancelRequest}. The
 * length is capped before anything is buffered, as PostgreSQL does, so an anonymous peer cannot make
 * the gateway allocate.
 *
 * <p>It decodes one packet per read and then waits: the handler after it decides what may follow
 * (another startup packet after a refused SSLRequest, regular messages after StartupMessage).
 */
public final class StartupFrameDecoder extends FramingDecoder {

    private final int maxLength;

    public StartupFrameDecoder(int maxLength) {
        this.maxLength = maxLength;
        setSingleDecode(true);
    }

    /** Whether bytes beyond the last decoded packet are waiting in this decoder. */
    public boolean hasBufferedBytes() {
        return internalBuffer().isReadable();
    }

    @Override
    protected void frame(ByteBuf in, List<Object> out) {
        if (in.readableBytes() < 8) {
            return;
        }
        int length = in.getInt(in.readerIndex());
        if (length < 8 || length > maxLength) {
            throw new ProtocolViolation("invalid length of startup packet: " + length);
        }
        if (in.readableBytes() < length) {
            return;
        }
        ByteBuf packet = in.readSlice(length).skipBytes(4);
        out.add(decodePacket(packet.readInt(), packet));
    }

    static FrontendMessage decodePacket(int code, ByteBuf rest) {
        return switch (code) {
            case SSLRequest.CODE -> fixed(rest, new SSLRequest());
            case GSSENCRequest.CODE -> fixed(rest, new GSSENCRequest());
            case CancelRequest.CODE -> {
                if (rest.readableBytes() != 8) {
                    throw new ProtocolViolation("invalid length of cancel request");
                }
                yield new CancelRequest(rest.readInt(), rest.readInt());
            }
            default -> startup(code, rest);
        };
    }

    private static FrontendMessage fixed(ByteBuf rest, FrontendMessage message) {
        Wire.requireConsumed(rest, message.getClass().getSimpleName());
        return message;
    }

    private static StartupMessage startup(int version, ByteBuf rest) {
        if (version >>> 16 != 3) {
            throw new ProtocolViolation(
                    SqlState.FEATURE_NOT_SUPPORTED,
                    "unsupported frontend protocol " + (version >>> 16) + "." + (version & 0xffff)
                            + ": Vigil supports protocol 3");
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        while (true) {
            if (!rest.isReadable()) {
                throw new ProtocolViolation("startup packet is missing its terminator");
            }
            String name = Wire.readCString(rest);
            if (name.isEmpty()) {
                break;
            }
            String value = Wire.readCString(rest);
            if (parameters.putIfAbsent(name, value) != null) {
                throw new ProtocolViolation("duplicate startup parameter \"" + name + "\"");
            }
        }
        Wire.requireConsumed(rest, "StartupMessage");
        return new StartupMessage(version, parameters);
    }
}
