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
    private MessageTypes streamed = new MessageTypes("any", "");
    private int streamAbove = Integer.MAX_VALUE;
    /** Body bytes of a message passed on in parts that are still to come. */
    private int partsToCome;

    public MessageFrameDecoder(int maxLength, MessageTypes types) {
        this.maxLength = maxLength;
        this.types = types;
    }

    /**
     * Passes messages of the {@code streamed} types longer than {@code above} bytes on as they arrive
     * ({@link PgFrame#head}, then {@link PgFramePart}s) instead of buffering them whole: their length
     * is then not capped, as the gateway holds no more of them than a read at a time.
     */
    public MessageFrameDecoder streaming(MessageTypes streamed, int above) {
        this.streamed = streamed;
        this.streamAbove = above;
        return this;
    }

    /**
     * Sets what the peer may send from now on, for example more and longer messages once it has
     * authenticated.
     */
    public void expect(int maxLength, MessageTypes types) {
        this.maxLength = maxLength;
        this.types = types;
    }

    /** Whether a message passed on in parts is not over yet: its next bytes are still to come. */
    public boolean midMessage() {
        return partsToCome > 0;
    }

    @Override
    protected void frame(ByteBuf in, List<Object> out) {
        while (in.isReadable()) {
            if (partsToCome > 0) {
                int part = Math.min(partsToCome, in.readableBytes());
                partsToCome -= part;
                out.add(new PgFramePart(in.readRetainedSlice(part)));
                continue;
            }
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
            if (length > streamAbove && streamed.allows(type)) {
                if (in.readableBytes() < streamAbove) {
                    return; // the head is always as long, whatever the reads: its decoding does not vary
                }
                long whole = length + 1L;
                int head = (int) Math.min(in.readableBytes(), whole);
                partsToCome = (int) (whole - head);
                out.add(PgFrame.head(type, in.readRetainedSlice(head)));
                continue;
            }
            if (length > maxLength) {
                throw new ProtocolViolation(
                        SqlState.PROGRAM_LIMIT_EXCEEDED,
                        "message of " + length + " bytes exceeds the limit of " + maxLength + " bytes");
            }
            if (in.readableBytes() - 1 < length) {
                return;
            }
            out.add(new PgFrame(type, in.readRetainedSlice(length + 1)));
        }
    }

    static String printable(byte type) {
        return type >= 0x20 && type < 0x7f ? String.valueOf((char) type) : String.format("\\x%02x", type);
    }
}
