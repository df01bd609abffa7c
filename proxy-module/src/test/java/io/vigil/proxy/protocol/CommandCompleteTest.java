package io.vigil.proxy.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.proxy.protocol.backend.CommandComplete;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CommandCompleteTest {

    @ParameterizedTest
    @CsvSource(
            nullValues = "null",
            value = {
                "INSERT 0 3, INSERT, 3",
                "SELECT 10, SELECT, 10",
                "UPDATE 0, UPDATE, 0",
                "CREATE TABLE, CREATE TABLE, null",
                "COPY 100, COPY, 100",
                "BEGIN, BEGIN, null",
                "'', '', null",
                "SELECT 9223372036854775807, SELECT, 9223372036854775807",
                "SELECT 9223372036854775808, SELECT, null",
                "SELECT 99999999999999999999999, SELECT, null",
                "'SELECT ', SELECT, null",
                "SELECT -1, SELECT -, null",
                "SELECT 1a, SELECT 1a, null",
                "SELECT \u0661\u0662, SELECT \u0661\u0662, null"
            })
    void splitsTheTagIntoCommandAndRows(String tag, String command, Long rows) {
        CommandComplete c = new CommandComplete(tag);
        assertThat(c.command()).isEqualTo(command);
        assertThat(c.rows()).isEqualTo(rows);
    }
}
