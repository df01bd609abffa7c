package io.vigil.proxy.audit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StatementCopyTest {

    @ParameterizedTest(name = "[{0}] -> [{1}]")
    @CsvSource(
            delimiter = '|',
            value = {"select 1 | select 1", "a\\b | a\\\\b", "'\\N' | '\\\\N'", "ünïcödé ✓ | ünïcödé ✓"})
    void escapesForCopyText(String value, String expected) {
        assertThat(StatementCopy.field(new StringBuilder(), value).toString()).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({"9,\\t", "10,\\n", "13,\\r"})
    void escapesControlCharacters(int ch, String expected) {
        assertThat(StatementCopy.field(new StringBuilder(), "x" + (char) ch + "y")
                        .toString())
                .isEqualTo("x" + expected + "y");
    }

    @Test
    void writesNullAsBackslashNAndEmptyAsEmpty() {
        assertThat(StatementCopy.field(new StringBuilder(), null).toString()).isEqualTo("\\N");
        assertThat(StatementCopy.field(new StringBuilder(), "").toString()).isEmpty();
    }
}
