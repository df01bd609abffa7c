package io.vigil.proxy.protocol;

import io.netty.buffer.ByteBuf;
import java.util.List;

/**
 * Frames regular messages ({@code Byte1 Int32 body}) into {@link PgFrame}s without decoding them.
 * The length is checked against the current cap as soon as the header is in, so an oversized
 * message fails before its body is buffered.
 */
public final class MessageFrameDecoder extends FramingDecoder {

    private int maxLength;

    public MessageFrameDecoder(int maxLength) {
        this.maxLength = maxLength;
    }

    /** Raises (or lowers) the cap, for example once the peer has authenticated. */
    public void maxLength(int maxLength) {
        this.maxLength = maxLength;
    }

    @Override
    protected void frame(ByteBuf in, List<Object> out) {
        while (in.readableBytes() >= PgFrame.HEADER_LENGTH) {
            int start = in.readerIndex();
            byte type = in.getByte(start);
            int length = in.getInt(start + 1);
            if (length < 4) {
                throw new ProtocolViolation(
                        "invalid message length " + length + " for message type '" + printable(type) + "'");
            }
            if (length > maxLength) {
                throw new ProtocolViolation(
                        SqlState.PROGRAM_LIMIT_EXCEEDED,
                        "message of " + length + " bytes exceeds the limit of " + maxLength + " bytes");
            }
            if (in.readableBytes() < length + 1) {
                return;
            }
            out.add(new PgFrame(type, in.readRetainedSlice(length + 1)));
        }
    }

    static String printable(byte type) {
        return type >= 0x20 && type < 0x7f ? String.valueOf((char) type) : String.format("\\x%02x", type);
    }
}
