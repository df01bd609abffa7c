package io.vigil.proxy.protocol;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Reading and writing the protocol's primitive types: C strings, and frames with a length word. */
public final class Wire {

    private Wire() {}

    /**
     * Reads a NUL-terminated string of strict UTF-8.
     *
     * @throws ProtocolViolation if there is no terminator or the bytes are not valid UTF-8
     */
    public static String readCString(ByteBuf buf) {
        int end = buf.indexOf(buf.readerIndex(), buf.writerIndex(), (byte) 0);
        if (end < 0) {
            throw new ProtocolViolation("string is not NUL-terminated");
        }
        String value = strictUtf8(buf, buf.readerIndex(), end - buf.readerIndex());
        buf.readerIndex(end + 1);
        return value;
    }

    /** Reads a NUL-terminated string, replacing invalid UTF-8 rather than refusing it. */
    public static String readCStringLenient(ByteBuf buf) {
        int end = buf.indexOf(buf.readerIndex(), buf.writerIndex(), (byte) 0);
        if (end < 0) {
            throw new ProtocolViolation("string is not NUL-terminated");
        }
        String value = buf.toString(buf.readerIndex(), end - buf.readerIndex(), StandardCharsets.UTF_8);
        buf.readerIndex(end + 1);
        return value;
    }

    /** A string from the wire, and whether its bytes were valid UTF-8 (if not, they were replaced). */
    public record Text(String value, boolean wellFormed) {}

    /** Reads a NUL-terminated string, keeping invalid UTF-8 (replaced) but saying it was invalid. */
    public static Text readText(ByteBuf buf) {
        int end = buf.indexOf(buf.readerIndex(), buf.writerIndex(), (byte) 0);
        if (end < 0) {
            throw new ProtocolViolation("string is not NUL-terminated");
        }
        int start = buf.readerIndex();
        Text text;
        try {
            text = new Text(strictUtf8(buf, start, end - start), true);
        } catch (ProtocolViolation e) {
            text = new Text(buf.toString(start, end - start, StandardCharsets.UTF_8), false);
        }
        buf.readerIndex(end + 1);
        return text;
    }

    public static String strictUtf8(ByteBuf buf, int index, int length) {
        ByteBuffer bytes = buf.nioBuffer(index, length);
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(bytes)
                    .toString();
        } catch (CharacterCodingException e) {
            throw new ProtocolViolation("invalid UTF-8 in a protocol string");
        }
    }

    public static void writeCString(ByteBuf buf, String value) {
        buf.writeCharSequence(value, StandardCharsets.UTF_8);
        buf.writeByte(0);
    }

    /** Starts a typed frame: writes the type and a placeholder length; returns the length's index. */
    public static int beginFrame(ByteBuf buf, char type) {
        buf.writeByte(type);
        int lengthIndex = buf.writerIndex();
        buf.writeInt(0);
        return lengthIndex;
    }

    /** Back-patches the length word written by {@link #beginFrame}. */
    public static void endFrame(ByteBuf buf, int lengthIndex) {
        buf.setInt(lengthIndex, buf.writerIndex() - lengthIndex);
    }

    /** Fails unless the whole body has been consumed: trailing bytes are a protocol violation. */
    public static void requireConsumed(ByteBuf body, String message) {
        if (body.isReadable()) {
            throw new ProtocolViolation(message + " has " + body.readableBytes() + " unexpected trailing bytes");
        }
    }
}
