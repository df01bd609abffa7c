package io.vigil.proxy.audit;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * Rows in PostgreSQL's binary COPY format. The text format made both ends do per-byte work: the
 * shipper escaped every value and wrote every number and hash as digits, and the store's backend
 * scanned every line for escapes and parsed the digits, arrays and hex back (a quarter of each
 * one's time per row). Binary fields are a length and the value's bytes.
 *
 * <pre>
 *   header   "PGCOPY\n\377\r\n\0", Int32 flags 0, Int32 extension length 0
 *   row      Int16 field count, then per field: Int32 length (-1: null), value bytes
 *   trailer  Int16 -1
 * </pre>
 *
 * Each value must be exactly its column's binary form: {@code int8} 8 bytes, {@code int4} 4,
 * {@code uuid} 16, {@code timestamptz} microseconds since 2000-01-01 UTC in 8, {@code text} and
 * {@code bytea} their bytes, {@code text[]} PostgreSQL's array header then elements.
 */
final class CopyBinary {

    private static final byte[] HEADER = {
        'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xff, '\r', '\n', 0, 0, 0, 0, 0, 0, 0, 0, 0
    };
    /** 2000-01-01T00:00:00Z, PostgreSQL's epoch, in Unix seconds. */
    private static final long POSTGRES_EPOCH_SECONDS = 946_684_800L;

    private static final int TEXT_OID = 25;

    private byte[] bytes;
    private int length;

    CopyBinary(int capacity) {
        bytes = new byte[Math.max(capacity, 64)];
        put(HEADER);
    }

    /** Starts a row of {@code fields} values. */
    CopyBinary row(int fields) {
        return int16(fields);
    }

    CopyBinary text(String value) {
        return value == null ? nul() : bytes(value.getBytes(StandardCharsets.UTF_8));
    }

    CopyBinary int8(long value) {
        return int32(8).int64(value);
    }

    CopyBinary int8(Long value) {
        return value == null ? nul() : int8(value.longValue());
    }

    CopyBinary int4(int value) {
        return int32(4).int32(value);
    }

    CopyBinary int4(Integer value) {
        return value == null ? nul() : int4(value.intValue());
    }

    CopyBinary uuid(UUID value) {
        return value == null
                ? nul()
                : int32(16).int64(value.getMostSignificantBits()).int64(value.getLeastSignificantBits());
    }

    /** To the microsecond, truncated (as the text format's six fraction digits were). */
    CopyBinary timestamptz(Instant at) {
        if (at == null) {
            return nul();
        }
        long seconds = Math.subtractExact(at.getEpochSecond(), POSTGRES_EPOCH_SECONDS);
        return int8(Math.addExact(Math.multiplyExact(seconds, 1_000_000L), at.getNano() / 1000));
    }

    CopyBinary bytea(byte[] value) {
        return value == null ? nul() : bytes(value);
    }

    /** A one-dimensional text[] (empty: no dimensions), elements may be null; null for no array. */
    CopyBinary textArray(List<String> values) {
        if (values == null) {
            return nul();
        }
        int lengthAt = length;
        int32(0); // the field's length, filled in below
        boolean hasNull = false;
        for (String value : values) {
            hasNull |= value == null; // not contains(null): immutable lists throw on it
        }
        int32(values.isEmpty() ? 0 : 1).int32(hasNull ? 1 : 0).int32(TEXT_OID);
        if (!values.isEmpty()) {
            int32(values.size()).int32(1); // the dimension's length and lower bound
            for (String value : values) {
                text(value);
            }
        }
        setInt32(lengthAt, length - lengthAt - 4);
        return this;
    }

    /** Ends the data; nothing may be added after it. */
    CopyBinary finish() {
        return int16(-1);
    }

    InputStream stream() {
        return new ByteArrayInputStream(bytes, 0, length);
    }

    byte[] toByteArray() {
        return Arrays.copyOf(bytes, length);
    }

    private CopyBinary nul() {
        return int32(-1);
    }

    private CopyBinary bytes(byte[] value) {
        int32(value.length);
        put(value);
        return this;
    }

    private void put(byte[] value) {
        ensure(value.length);
        System.arraycopy(value, 0, bytes, length, value.length);
        length += value.length;
    }

    private CopyBinary int16(int value) {
        ensure(2);
        bytes[length++] = (byte) (value >>> 8);
        bytes[length++] = (byte) value;
        return this;
    }

    private CopyBinary int32(int value) {
        ensure(4);
        setInt32(length, value);
        length += 4;
        return this;
    }

    private void setInt32(int at, int value) {
        bytes[at] = (byte) (value >>> 24);
        bytes[at + 1] = (byte) (value >>> 16);
        bytes[at + 2] = (byte) (value >>> 8);
        bytes[at + 3] = (byte) value;
    }

    private CopyBinary int64(long value) {
        ensure(8);
        for (int shift = 56; shift >= 0; shift -= 8) {
            bytes[length++] = (byte) (value >>> shift);
        }
        return this;
    }

    private void ensure(int more) {
        if (length + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + more));
        }
    }
}
