package io.vigil.proxy.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;

/**
 * One framed regular message, as it came off the wire: {@code Byte1(type) Int32(length) body}.
 * The buffer holds the whole frame, so a handler that does not need the message relays it
 * untouched; one that does decodes {@link #body()} into a record.
 *
 * <p>A frame owns one reference to its buffer: whoever drops a frame releases it.
 */
public final class PgFrame extends DefaultByteBufHolder {

    /** Bytes before the body: the type byte and the length. */
    public static final int HEADER_LENGTH = 5;

    private final byte type;

    public PgFrame(byte type, ByteBuf frame) {
        super(frame);
        this.type = type;
    }

    public byte type() {
        return type;
    }

    /** The message body, without type and length; a view that shares this frame's reference. */
    public ByteBuf body() {
        ByteBuf frame = content();
        return frame.slice(frame.readerIndex() + HEADER_LENGTH, frame.readableBytes() - HEADER_LENGTH);
    }

    @Override
    public String toString() {
        return "PgFrame('" + (char) type + "', " + content().readableBytes() + " bytes)";
    }
}
