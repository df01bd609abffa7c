package io.vigil.proxy.audit;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;

/**
 * Rows in PostgreSQL's COPY text format, built straight into UTF-8 bytes: the shipper writes
 * thousands of rows a second, and building them as a {@code String} only for the driver to encode
 * it again cost a third of its time.
 *
 * <p>Each field is followed by a tab, the last one of a row by a newline ({@link #endRow}).
 */
final class CopyText {

    private static final byte[] NULL = {'\\', 'N'};
    private static final byte[] ARRAY_NULL = {'N', 'U', 'L', 'L'};
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private byte[] bytes;
    private int length;

    CopyText(int capacity) {
        bytes = new byte[Math.max(capacity, 64)];
    }

    /** One text column: {@code \N} for null; backslash, tab, newline and CR escaped. */
    CopyText text(String value) {
        if (value == null) {
            return raw(NULL).tab();
        }
        escaped(value.getBytes(StandardCharsets.UTF_8));
        return tab();
    }

    CopyText number(long value) {
        if (value == Long.MIN_VALUE) {
            return text(Long.toString(value));
        }
        if (value < 0) {
            put((byte) '-');
            value = -value;
        }
        digits(value, 1);
        return tab();
    }

    CopyText number(Long value) {
        return value == null ? text(null) : number(value.longValue());
    }

    /** A timestamptz to the microsecond, in UTC: {@code 2026-11-22 04:20:00.123456+00}. */
    CopyText timestamp(Instant at) {
        long seconds = at.getEpochSecond();
        LocalDate day = LocalDate.ofEpochDay(Math.floorDiv(seconds, 86_400));
        if (day.getYear() < 1 || day.getYear() > 9999) {
            return text(OffsetDateTime.ofInstant(at, ZoneOffset.UTC).toString());
        }
        int second = Math.floorMod(seconds, 86_400);
        digits(day.getYear(), 4);
        put((byte) '-');
        digits(day.getMonthValue(), 2);
        put((byte) '-');
        digits(day.getDayOfMonth(), 2);
        put((byte) ' ');
        digits(second / 3600, 2);
        put((byte) ':');
        digits(second / 60 % 60, 2);
        put((byte) ':');
        digits(second % 60, 2);
        put((byte) '.');
        digits(at.getNano() / 1000, 6);
        raw(new byte[] {'+', '0', '0'});
        return tab();
    }

    /** A bytea in hex format: {@code \x0a1b...}, its backslash escaped for COPY. */
    CopyText bytea(byte[] value) {
        if (value == null) {
            return text(null);
        }
        ensure(3 + value.length * 2);
        bytes[length++] = '\\';
        bytes[length++] = '\\';
        bytes[length++] = 'x';
        for (byte b : value) {
            bytes[length++] = HEX[(b >> 4) & 0xf];
            bytes[length++] = HEX[b & 0xf];
        }
        return tab();
    }

    /**
     * A text[]: every element double-quoted (backslash-escaped), NULL bare; null for no array.
     * Written straight into bytes: the array's own escaping and COPY's, one after the other, so
     * {@code "} becomes {@code \\"} and {@code \} becomes {@code \\\\} (what building the array
     * literal as text and writing it as a text column gives, without the String in between).
     */
    CopyText array(List<String> values) {
        if (values == null) {
            return text(null);
        }
        put((byte) '{');
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                put((byte) ',');
            }
            String value = values.get(i);
            if (value == null) {
                raw(ARRAY_NULL);
                continue;
            }
            byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
            ensure(2 + 4 * utf8.length); // the quotes; at most four bytes for each byte
            int at = length;
            bytes[at++] = '"';
            for (byte b : utf8) {
                switch (b) {
                    case '"' -> {
                        bytes[at++] = '\\';
                        bytes[at++] = '\\';
                        bytes[at++] = '"';
                    }
                    case '\\' -> {
                        bytes[at++] = '\\';
                        bytes[at++] = '\\';
                        bytes[at++] = '\\';
                        bytes[at++] = '\\';
                    }
                    case '\t' -> {
                        bytes[at++] = '\\';
                        bytes[at++] = 't';
                    }
                    case '\n' -> {
                        bytes[at++] = '\\';
                        bytes[at++] = 'n';
                    }
                    case '\r' -> {
                        bytes[at++] = '\\';
                        bytes[at++] = 'r';
                    }
                    default -> bytes[at++] = b;
                }
            }
            bytes[at++] = '"';
            length = at;
        }
        put((byte) '}');
        return tab();
    }

    /** Replaces the last field's tab with the row's newline. */
    CopyText endRow() {
        bytes[length - 1] = '\n';
        return this;
    }

    int length() {
        return length;
    }

    InputStream stream() {
        return new ByteArrayInputStream(bytes, 0, length);
    }

    @Override
    public String toString() {
        return new String(bytes, 0, length, StandardCharsets.UTF_8);
    }

    /** UTF-8 never uses these four bytes inside a multi-byte character, so a byte scan is exact. */
    private void escaped(byte[] utf8) {
        ensure(2 * utf8.length); // at most every byte escaped: no check per byte below
        int at = length;
        for (byte b : utf8) {
            byte escape =
                    switch (b) {
                        case '\\' -> '\\';
                        case '\t' -> 't';
                        case '\n' -> 'n';
                        case '\r' -> 'r';
                        default -> 0;
                    };
            if (escape == 0) {
                bytes[at++] = b;
            } else {
                bytes[at++] = '\\';
                bytes[at++] = escape;
            }
        }
        length = at;
    }

    private void digits(long value, int width) {
        int n = 1;
        for (long v = value / 10; v > 0; v /= 10) {
            n++;
        }
        n = Math.max(n, width);
        ensure(n);
        for (int i = length + n - 1; i >= length; i--) {
            bytes[i] = (byte) ('0' + value % 10);
            value /= 10;
        }
        length += n;
    }

    private CopyText tab() {
        put((byte) '\t');
        return this;
    }

    private CopyText raw(byte[] value) {
        ensure(value.length);
        System.arraycopy(value, 0, bytes, length, value.length);
        length += value.length;
        return this;
    }

    private void raw2(char a, char b) {
        ensure(2);
        bytes[length++] = (byte) a;
        bytes[length++] = (byte) b;
    }

    private void put(byte b) {
        ensure(1);
        bytes[length++] = b;
    }

    private void ensure(int more) {
        if (length + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + more));
        }
    }
}
