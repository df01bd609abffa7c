package io.vigil.proxy.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.proxy.policy.StartupPolicy.Accept;
import io.vigil.proxy.policy.StartupPolicy.Refuse;
import io.vigil.proxy.protocol.frontend.StartupMessage;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StartupPolicyTest {

    @ParameterizedTest(name = "{0}={1} -> {2}")
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '"', // single quotes are part of the values here
            value = {
                "application_name | psql                    | forward",
                "DateStyle        | ISO                     | forward",
                "TimeZone         | UTC                     | forward",
                "extra_float_digits | 3                     | forward",
                "search_path      | shop                    | forward",
                "options          | -c log_statement=none   | refuse",
                "OPTIONS          | -c role=postgres        | refuse",
                "replication      | database                | refuse",
                "replication      | false                   | refuse",
                "session_authorization | postgres           | refuse",
                "role             | postgres                | refuse",
                "log_statement    | none                    | refuse",
                "client_encoding  | UTF8                    | forward",
                "client_encoding  | unicode                 | forward",
                "client_encoding  | 'utf-8'                 | forward", // asyncpg, quotes and all
                "client_encoding  | Utf_8                   | forward",
                "client_encoding  | SQL_ASCII               | forward",
                "client_encoding  | 'latin1'                | refuse",
                "client_encoding  | utf16                   | refuse",
                "client_encoding  | SJIS                    | refuse",
                "client_encoding  | LATIN1                  | refuse",
                "standard_conforming_strings | on           | forward",
                "standard_conforming_strings | off          | refuse",
                "standard_conforming_strings | TRUE         | forward",
                "standard_conforming_strings | t            | forward",
                "standard_conforming_strings | ye           | forward",
                "standard_conforming_strings | 1            | forward",
                "standard_conforming_strings | o            | refuse", // ambiguous to PostgreSQL too
                "standard_conforming_strings | 'on'         | refuse", // PostgreSQL refuses it too
                "standard_conforming_strings | 0            | refuse",
                "standard_conforming_strings | false        | refuse",
                "_pq_.command_trace | on                    | decline"
            })
    void decidesEachParameter(String name, String value, String expected) {
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("user", "bot");
        parameters.put("database", "shop");
        parameters.put(name, value);
        StartupPolicy.Verdict verdict =
                StartupPolicy.check(new StartupMessage(StartupMessage.PROTOCOL_3_0, parameters));
        switch (expected) {
            case "forward" -> assertThat(verdict).isEqualTo(new Accept(Map.of(name, value), List.of()));
            case "decline" -> assertThat(verdict).isEqualTo(new Accept(Map.of(), List.of(name)));
            default ->
                assertThat(verdict).isInstanceOfSatisfying(Refuse.class, r -> assertThat(r.message())
                        .containsIgnoringCase(name));
        }
    }

    @ParameterizedTest
    @CsvSource({"user", "database"})
    void identityAndTargetAreTheGatewaysAndNeverForwarded(String name) {
        var verdict = StartupPolicy.check(
                new StartupMessage(StartupMessage.PROTOCOL_3_0, Map.of("user", "bot", "database", "shop")));
        assertThat(((Accept) verdict).forwarded()).doesNotContainKey(name);
    }
}
