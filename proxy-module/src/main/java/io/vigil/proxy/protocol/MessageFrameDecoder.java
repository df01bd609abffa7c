package io.vigil.proxy.protocol;

import io.netty.buffer.ByteBuf;
import java.util.List;

/**
 * Frames regular messages ({@code Byte1 Int32 body}) into {@link PgFrame}s without decoding them.
 * The type is checked as soon as its byte is in and the length against the current cap as soon as
 * the header is, so an unknown or oversized message fails before its body is buffered.
 */
public final class MessageFrameDecoder extends FramingDecoder {

    private int maxLength;
    private MessageTypes types;

    public MessageFrameDecoder(int maxLength, MessageTypes types) {
        this.maxLength = maxLength;
        this.types = types;
    }

    /**
     * Sets what the peer may send from now on, for example more and longer messages once it has
     * authenticated.
     */
    public void expect(int maxLength, MessageTypes types) {
        this.maxLength = maxLength;
        this.types = types;
    }

    @Override
    protected void frame(ByteBuf in, List<Object> out) {
        while (in.isReadable()) {
            int start = in.readerIndex();
            byte type = in.getByte(start);
            types.check(type);
            if (in.readableBytes() < PgFrame.HEADER_LENGTH) {
                return;
            }
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
