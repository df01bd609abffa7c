package io.vigil.proxy.protocol.frontend;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.vigil.proxy.protocol.ProtocolViolation;
import io.vigil.proxy.protocol.Wire;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Bind (F): {@code Byte1('B') Int32 length, String portal, String statement, Int16 n, Int16[n]
 * parameter formats, Int16 m, (Int32 length, Byte[length] value)[m], Int16 k, Int16[k] result
 * formats}. The frame itself is relayed untouched; the decoded parameters are for the trail.
 *
 * @param parameters each value as text: text-format values as sent, binary ones (and text ones
 *     with a NUL byte, which PostgreSQL refuses and its store could not keep) as {@code \x} hex;
 *     null for SQL NULL. Values longer than {@link #MAX_RENDERED} characters (or past
 *     {@link #MAX_RENDERED_TOTAL} for the whole message) are cut, with their full length noted.
 */
public record Bind(String portal, String statement, List<String> parameters) implements FrontendMessage {

    public static final int MAX_RENDERED = 8 << 10;
    /** All of one Bind's values together: a message of thousands of parameters stays small in the trail. */
    public static final int MAX_RENDERED_TOTAL = 64 << 10;

    public static Bind decode(ByteBuf body) {
        String portal = Wire.readCStringLenient(body);
        String statement = Wire.readCStringLenient(body);
        int formatCount = readCount(body, 2);
        short[] formats = new short[formatCount];
        for (int i = 0; i < formatCount; i++) {
            formats[i] = body.readShort();
        }
        int parameterCount = readCount(body, 4);
        if (formatCount > 1 && formatCount != parameterCount) {
            throw new ProtocolViolation(
                    "Bind has " + formatCount + " parameter formats for " + parameterCount + " parameters");
        }
        List<String> parameters = new ArrayList<>(parameterCount);
        int budget = MAX_RENDERED_TOTAL;
        for (int i = 0; i < parameterCount; i++) {
            boolean binary = formatCount == 1 ? formats[0] == 1 : formatCount > 1 && formats[i] == 1;
            String value = readValue(body, binary, Math.max(0, budget));
            budget -= value == null ? 0 : value.length();
            parameters.add(value);
        }
        return new Bind(portal, statement, Collections.unmodifiableList(parameters));
    }

    /** Reads an Int16 count and checks that at least {@code bytesEach} bytes per entry remain. */
    private static int readCount(ByteBuf body, int bytesEach) {
        if (body.readableBytes() < 2) {
            throw new ProtocolViolation("Bind is truncated");
        }
        int count = body.readUnsignedShort();
        if ((long) count * bytesEach > body.readableBytes()) {
            throw new ProtocolViolation("Bind announces " + count + " entries but is too short for them");
        }
        return count;
    }

    private static final java.util.regex.Pattern CUT = java.util.regex.Pattern.compile("\\.\\.\\. \\(\\d+ bytes\\)$");

    /**
     * Whether {@code value} as rendered here was cut (it ends in {@code ... (N bytes)}): it is not
     * the value sent, and nothing may be decided by comparing it. A value that happens to end so is
     * taken as cut too.
     */
    public static boolean cut(String value) {
        return value != null && value.endsWith(" bytes)") && CUT.matcher(value).find();
    }

    private static String readValue(ByteBuf body, boolean binary, int budget) {
        int length = body.readInt();
        if (length == -1) {
            return null;
        }
        if (length < 0 || length > body.readableBytes()) {
            throw new ProtocolViolation("Bind has a parameter of invalid length " + length);
        }
        int shown = Math.min(length, (binary ? MAX_RENDERED / 2 : MAX_RENDERED));
        shown = Math.min(shown, binary ? budget / 2 : budget);
        String value = binary
                ? "\\x" + ByteBufUtil.hexDump(body, body.readerIndex(), shown)
                : body.toString(body.readerIndex(), shown, StandardCharsets.UTF_8);
        if (!binary && value.indexOf('\0') >= 0) {
            // PostgreSQL refuses text with a NUL byte, and so would the store: kept as hex instead,
            // like a binary value, so the trail can hold what was sent.
            shown = Math.min(shown, MAX_RENDERED / 2);
            value = "\\x" + ByteBufUtil.hexDump(body, body.readerIndex(), shown);
        }
        body.skipBytes(length);
        return shown < length ? value + "... (" + length + " bytes)" : value;
    }
}
