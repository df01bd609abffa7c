package io.vigil.review.approvals;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What an approver reads of an agent's text: what could hide or reorder it is shown as its code. */
class VisibleTextTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            plain                    | update t set a = 1 where id = 2   | update t set a = 1 where id = 2
            right-to-left override   | `delete from t -- \u202Eselect`   | `delete from t -- ⟨U+202E⟩select`
            isolates                 | `a\u2066b\u2069c`                 | `a⟨U+2066⟩b⟨U+2069⟩c`
            zero width space         | `drop\u200Btable`                 | `drop⟨U+200B⟩table`
            carriage return          | `select 1\rdelete from t`         | `select 1⟨U+000D⟩delete from t`
            escape sequence          | `\u001B[2Jselect 1`              | `⟨U+001B⟩[2Jselect 1`
            tab                      | `a\tb`                            | `a⟨U+0009⟩b`
            accents stay             | `café, naïve`                     | `café, naïve`
            """)
    void hiddenCharactersAreShownAsTheirCode(String what, String text, String shown) {
        assertThat(VisibleText.of(text.translateEscapes())).isEqualTo(shown);
    }

    @org.junit.jupiter.api.Test
    void aLineBreakStaysALineBreak() {
        assertThat(VisibleText.of("select 1\nfrom t")).isEqualTo("select 1\nfrom t");
    }

    @org.junit.jupiter.api.Test
    void aValueSentInBinaryIsShownAsTheTextItIsAndOnlyThen() {
        org.assertj.core.api.Assertions.assertThat(VisibleText.value("\\x73686970706564"))
                .isEqualTo("'shipped' (sent in binary)");
        org.assertj.core.api.Assertions.assertThat(VisibleText.value("\\x0000000d"))
                .isEqualTo("\\x0000000d");
        org.assertj.core.api.Assertions.assertThat(VisibleText.value("\\xe280ae"))
                .as("made visible, as any text")
                .isEqualTo("'⟨U+202E⟩' (sent in binary)");
        org.assertj.core.api.Assertions.assertThat(VisibleText.value("plain")).isEqualTo("plain");
    }
}
