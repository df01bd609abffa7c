package io.vigil.proxy.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The binary COPY layout, byte by byte; CopyBinaryIT has PostgreSQL read it back. */
class CopyBinaryTest {

    private static final int HEADER = 19;

    @Test
    void startsWithTheSignatureAndEndsWithTheTrailer() {
        byte[] bytes = new CopyBinary(1).finish().toByteArray();
        assertThat(HexFormat.of().formatHex(bytes))
                .isEqualTo("5047434f50590aff0d0a00" + "00000000" + "00000000" + "ffff");
    }

    @Test
    void writesEachFieldAsItsLengthAndBytes() {
        UUID id = UUID.fromString("01234567-89ab-cdef-0123-456789abcdef");
        ByteBuffer row = body(new CopyBinary(1)
                .row(6)
                .uuid(id)
                .int8(-2L)
                .int4(7)
                .text("ü\t\\")
                .text(null)
                .bytea(new byte[] {0, (byte) 0xff}));
        assertThat(row.getShort()).isEqualTo((short) 6);
        assertThat(row.getInt()).isEqualTo(16);
        assertThat(new UUID(row.getLong(), row.getLong())).isEqualTo(id);
        assertThat(row.getInt()).isEqualTo(8);
        assertThat(row.getLong()).isEqualTo(-2L);
        assertThat(row.getInt()).isEqualTo(4);
        assertThat(row.getInt()).isEqualTo(7);
        byte[] text = "ü\t\\".getBytes(StandardCharsets.UTF_8);
        assertThat(row.getInt()).isEqualTo(text.length);
        assertThat(next(row, text.length)).isEqualTo(text);
        assertThat(row.getInt()).as("null").isEqualTo(-1);
        assertThat(row.getInt()).isEqualTo(2);
        assertThat(next(row, 2)).isEqualTo(new byte[] {0, (byte) 0xff});
        assertThat(row.hasRemaining()).isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "2000-01-01T00:00:00Z, 0",
        "2000-01-01T00:00:00.000001999Z, 1",
        "1999-12-31T23:59:59.999999Z, -1",
        "1970-01-01T00:00:00Z, -946684800000000",
        "2026-11-22T04:20:00.123456Z, 848636400123456"
    })
    void writesTimestampsAsMicrosecondsSincePostgresEpoch(String instant, long micros) {
        ByteBuffer field = body(new CopyBinary(1).timestamptz(Instant.parse(instant)));
        assertThat(field.getInt()).isEqualTo(8);
        assertThat(field.getLong()).isEqualTo(micros);
    }

    @Test
    void writesATextArrayWithItsHeaderAndNullElements() {
        ByteBuffer field = body(new CopyBinary(1).textArray(Arrays.asList("a", null, "{\"}")));
        int length = field.getInt();
        assertThat(length).isEqualTo(field.remaining());
        assertThat(field.getInt()).as("dimensions").isEqualTo(1);
        assertThat(field.getInt()).as("has nulls").isEqualTo(1);
        assertThat(field.getInt()).as("element type: text").isEqualTo(25);
        assertThat(field.getInt()).as("length").isEqualTo(3);
        assertThat(field.getInt()).as("lower bound").isEqualTo(1);
        assertThat(field.getInt()).isEqualTo(1);
        assertThat(field.get()).isEqualTo((byte) 'a');
        assertThat(field.getInt()).isEqualTo(-1);
        assertThat(field.getInt()).isEqualTo(3);
        assertThat(next(field, 3)).isEqualTo("{\"}".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void writesAnEmptyArrayWithoutDimensionsAndNoArrayAsNull() {
        ByteBuffer fields = body(new CopyBinary(1).textArray(List.of()).textArray(null));
        assertThat(fields.getInt()).isEqualTo(12);
        assertThat(fields.getInt()).isZero();
        assertThat(fields.getInt()).isZero();
        assertThat(fields.getInt()).isEqualTo(25);
        assertThat(fields.getInt()).isEqualTo(-1);
    }

    @Test
    void growsPastItsFirstCapacity() {
        CopyBinary out = new CopyBinary(1);
        String big = "x".repeat(100_000);
        out.text(big);
        assertThat(out.toByteArray()).hasSize(HEADER + 4 + big.length());
    }

    private static ByteBuffer body(CopyBinary out) {
        byte[] bytes = out.toByteArray();
        return ByteBuffer.wrap(bytes, HEADER, bytes.length - HEADER).slice();
    }

    private static byte[] next(ByteBuffer buffer, int n) {
        byte[] out = new byte[n];
        buffer.get(out);
        return out;
    }
}
