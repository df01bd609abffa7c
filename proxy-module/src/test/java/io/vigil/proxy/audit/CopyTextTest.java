package io.vigil.proxy.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CopyTextTest {

    @ParameterizedTest(name = "[{0}] -> [{1}]")
    @CsvSource(
            delimiter = '|',
            value = {"select 1 | select 1", "a\\b | a\\\\b", "'\\N' | '\\\\N'", "ünïcödé ✓ | ünïcödé ✓"})
    void escapesForCopyText(String value, String expected) {
        assertThat(new CopyText(8).text(value).endRow().toString()).isEqualTo(expected + "\n");
    }

    @ParameterizedTest
    @CsvSource({"9,\\t", "10,\\n", "13,\\r"})
    void escapesControlCharacters(int ch, String expected) {
        assertThat(new CopyText(8).text("x" + (char) ch + "y").endRow().toString())
                .isEqualTo("x" + expected + "y\n");
    }

    @Test
    void writesNullAsBackslashNAndEmptyAsEmpty() {
        assertThat(new CopyText(8).text(null).text("").number(null).endRow().toString())
                .isEqualTo("\\N\t\t\\N\n");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"0", "7", "-7", "1234567890123", "-9223372036854775808", "9223372036854775807"})
    void writesNumbersAsDecimal(long value) {
        assertThat(new CopyText(1).number(value).endRow().toString()).isEqualTo(value + "\n");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "2026-11-22T04:20:00.123456Z, 2026-11-22 04:20:00.123456+00",
        "1970-01-01T00:00:00Z, 1970-01-01 00:00:00.000000+00",
        "1969-12-31T23:59:59.999999Z, 1969-12-31 23:59:59.999999+00",
        "2024-02-29T12:05:09.000001Z, 2024-02-29 12:05:09.000001+00",
        "0001-01-01T00:00:00Z, 0001-01-01 00:00:00.000000+00",
        "+10000-01-01T00:00:00Z, +10000-01-01T00:00Z"
    })
    void writesTimestampsInUtcToTheMicrosecond(String instant, String expected) {
        assertThat(new CopyText(1).timestamp(Instant.parse(instant)).endRow().toString())
                .isEqualTo(expected + "\n");
    }

    @Test
    void writesByteaAsEscapedHex() {
        byte[] bytes = {0, 1, (byte) 0xab, (byte) 0xff, 0x7f};
        assertThat(new CopyText(1).bytea(bytes).bytea(null).endRow().toString()).isEqualTo("\\\\x0001abff7f\t\\N\n");
    }

    @Test
    void quotesEveryArrayElementAndEscapesTheArrayAgainForCopy() {
        assertThat(new CopyText(1)
                        .array(Arrays.asList("public.t", "a\"b", "c\\d", null))
                        .array(List.of())
                        .array(null)
                        .endRow()
                        .toString())
                .isEqualTo("{\"public.t\",\"a\\\\\"b\",\"c\\\\\\\\d\",NULL}\t{}\t\\N\n");
    }

    /** The array written straight into bytes equals the literal built as text, then escaped for COPY. */
    @Test
    void arraysWrittenAsBytesEqualTheLiteralEscapedTwice() {
        List<List<String>> cases = List.of(
                List.of(),
                List.of(""),
                Arrays.asList((String) null),
                List.of("NULL", "null"),
                List.of("a\"b", "c\\d", "\\\"", "\"\"", "\\\\"),
                List.of("tab\there", "new\nline", "cr\rhere", "\t\n\r\\"),
                List.of("{braces}", "com,ma", " spaced ", "ünïcødé ✓ 日本"),
                Arrays.asList("x", null, "y", null));
        for (List<String> values : cases) {
            assertThat(new CopyText(8).array(values).toString())
                    .as("%s", values)
                    .isEqualTo(new CopyText(8).text(literal(values)).toString());
        }
    }

    /** The array literal PostgreSQL reads: each element double-quoted, quotes and backslashes escaped. */
    private static String literal(List<String> values) {
        StringBuilder array = new StringBuilder("{");
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                array.append(',');
            }
            String value = values.get(i);
            array.append(
                    value == null ? "NULL" : '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"');
        }
        return array.append('}').toString();
    }

    @Test
    void growsPastItsFirstCapacity() {
        CopyText text = new CopyText(1);
        String long1 = "x".repeat(10_000);
        assertThat(text.text(long1).text(long1).endRow().length()).isEqualTo(20_002);
    }
}
