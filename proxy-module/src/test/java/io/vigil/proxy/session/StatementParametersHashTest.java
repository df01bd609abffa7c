package io.vigil.proxy.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class StatementParametersHashTest {

    static Stream<List<String>> parameterLists() {
        return Stream.of(
                List.of(),
                List.of(""),
                List.of("hello"),
                Arrays.asList("a", null, ""),
                Arrays.asList((String) null),
                List.of("1:2;", ";", "N"),
                List.of("épée ☃ 𝄞"),
                List.of("x".repeat(9), "y".repeat(10), "z".repeat(99), "w".repeat(100), "v".repeat(123_456)));
    }

    /** The format written out by hand: {@code <UTF-8 length>:<text>;} per value, {@code N;} for NULL. */
    private static String byTheFormat(List<String> values) throws Exception {
        StringBuilder text = new StringBuilder();
        for (String v : values) {
            text.append(v == null ? "N" : v.getBytes(StandardCharsets.UTF_8).length + ":" + v)
                    .append(';');
        }
        byte[] digest =
                MessageDigest.getInstance("SHA-256").digest(text.toString().getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(digest);
    }

    @ParameterizedTest
    @MethodSource("parameterLists")
    void theHashIsSha256OfEachValuesLengthAndText(List<String> values) throws Exception {
        assertThat(StatementTracker.hash(values)).isEqualTo(byTheFormat(values));
    }

    @ParameterizedTest
    @MethodSource("parameterLists")
    void theSameValuesHashTheSameEveryTime(List<String> values) {
        assertThat(StatementTracker.hash(values)).isEqualTo(StatementTracker.hash(values));
    }
}
