package io.vigil.proxy.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;

/**
 * One framed regular message, as it came off the wire: {@code Byte1(type) Int32(length) body}.
 * The buffer holds the whole frame, so a handler that does not need the message relays it
 * untouched; one that does decodes {@link #body()} into a record.
 *
 * <p>A long message of a type no handler needs whole (a huge value in a DataRow, say) is passed on
 * as it arrives: a frame that is not {@link #complete()} holds the header and the start of the body,
 * and {@link PgFramePart}s bring the rest.
 *
 * <p>A frame owns one reference to its buffer: whoever drops a frame releases it.
 */
public final class PgFrame extends DefaultByteBufHolder {

    /** Bytes before the body: the type byte and the length. */
    public static final int HEADER_LENGTH = 5;

    private final byte type;
    private final boolean complete;

    /** A whole message. */
    public PgFrame(byte type, ByteBuf frame) {
        this(type, frame, true);
    }

    private PgFrame(byte type, ByteBuf frame, boolean complete) {
        super(frame);
        this.type = type;
        this.complete = complete;
    }

    /** The header and the start of a message whose rest follows in {@link PgFramePart}s. */
    public static PgFrame head(byte type, ByteBuf start) {
        return new PgFrame(type, start, false);
    }

    public byte type() {
        return type;
    }

    /** Whether the whole message is here, rather than its start. */
    public boolean complete() {
        return complete;
    }

    /**
     * The message body, without type and length (of a head, as much as arrived with it); a view that
     * shares this frame's reference.
     */
    public ByteBuf body() {
        ByteBuf frame = content();
        return frame.slice(frame.readerIndex() + HEADER_LENGTH, frame.readableBytes() - HEADER_LENGTH);
    }

    @Override
    public String toString() {
        return "PgFrame('" + (char) type + "', " + content().readableBytes() + " bytes" + (complete ? ")" : ", head)");
    }
}
