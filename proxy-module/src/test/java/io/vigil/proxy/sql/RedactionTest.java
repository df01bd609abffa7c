package io.vigil.proxy.sql;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.proxy.sql.SqlAnalysis.Refused;
import io.vigil.proxy.sql.SqlAnalysis.Understood;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What the trail keeps of statements that carry secrets, through the real parser and scanner: the
 * secret never, the rest of the statement as written.
 */
class RedactionTest {

    private static final byte[] KEY = "a redaction key of some length".getBytes(StandardCharsets.UTF_8);
    private static final SqlAnalyzer analyzer = new SqlAnalyzer(SqlLimits.defaults(), Redaction.keyed(KEY));

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            # sql                                                                              | secret        | recorded
            create role intruder login password 'hunter2'                                       | hunter2       | create role intruder login password '[redacted hmac:
            CREATE USER app WITH ENCRYPTED PASSWORD 'hunter2' VALID UNTIL '2030-01-01'          | hunter2       | CREATE USER app WITH ENCRYPTED PASSWORD '[redacted hmac:
            alter role app password E'hun\\'ter2'                                               | ter2          | alter role app password '[redacted hmac:
            alter user app with password $pw$hunter2$pw$                                         | hunter2       | alter user app with password '[redacted hmac:
            alter role app /* why */ password 'hunter2'                                          | hunter2       | alter role app /* why */ password '[redacted hmac:
            ALTER USER "app" PASSWORD 'SCRAM-SHA-256$4096:c2FsdA==$c3RvcmVk:c2VydmVy'           | c3RvcmVk      | ALTER USER "app" PASSWORD '[redacted hmac:
            create user mapping for app server remote options (user 'bob', password 'hunter2') | hunter2       | create user mapping for app server remote options (user 'bob', password '[redacted hmac:
            alter user mapping for app server remote options (set password 'hunter2')           | hunter2       | alter user mapping for app server remote options (set password '[redacted hmac:
            create server remote foreign data wrapper postgres_fdw options (host 'db', sslpassword 'hunter2') | hunter2 | create server remote foreign data wrapper postgres_fdw options (host 'db', sslpassword '[redacted hmac:
            select dblink_connect('host=db user=bob password=hunter2 dbname=x')                 | hunter2       | select dblink_connect('[redacted hmac:
            select * from dblink('postgresql://bob:hunter2@db/x', 'select 1') as t(i int)        | hunter2       | select * from dblink('[redacted hmac:
            create subscription s connection 'host=db password=hunter2' publication p         | hunter2       | create subscription s connection '[redacted hmac:
            select pgp_sym_encrypt('data', 'hunter2')                                           | hunter2       | select pgp_sym_encrypt('data', '[redacted hmac:
            select pgp_sym_decrypt(body, 'hunter2'::text) from notes                            | hunter2       | select pgp_sym_decrypt(body, '[redacted hmac:
            select encrypt('data', 'hunter2', 'aes')                                             | hunter2       | select encrypt('data', '[redacted hmac:
            select hmac('data', concat('hun', 'ter2'), 'sha256')                                | ter2          | select hmac('data', concat('[redacted hmac:
            select crypt('hunter2', gen_salt('bf'))                                              | hunter2       | select crypt('[redacted hmac:
            do $$ begin execute 'create role x login password ''hunter2'''; end $$             | hunter2       | do '[redacted hmac:
            set app.api_key = 'hunter2'                                                          | hunter2       | set app.api_key = '[redacted hmac:
            select 1; create role y password 'hunter2'; select 2                                | hunter2       | create role y password '[redacted hmac:
            """)
    void secretsAreRedacted(String sql, String secret, String recorded) {
        String text = String.join("\n", recordedTexts(sql));
        assertThat(text).doesNotContain(secret).contains(recorded);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            select id, email from customers where name = 'Passenger Pete'
            select * from orders where note = 'my key is under the mat'
            insert into notes (body) values ('nothing to hide')
            create table secrets (id int primary key, token text)
            select date '2026-01-01', interval '1 day'
            """)
    void ordinaryLiteralsAreKept(String sql) {
        assertThat(recordedTexts(sql)).containsExactly(sql);
    }

    @Test
    void theSameSecretGetsTheSameMarkUnderOneKeyAndNoneWithoutIt() {
        String one = recordedTexts("create role a password 'hunter2'").getFirst();
        String two = recordedTexts("create role b password 'hunter2'").getFirst();
        assertThat(one.substring(one.indexOf('['))).isEqualTo(two.substring(two.indexOf('[')));
        try (SqlAnalyzer unkeyed = new SqlAnalyzer(SqlLimits.defaults())) {
            Understood u = (Understood) unkeyed.analyze("create role a password 'hunter2'");
            assertThat(u.statements().getFirst().text()).isEqualTo("create role a password '[redacted]'");
        }
    }

    @Test
    void theFingerprintIsOfTheRedactedText() {
        StatementShape a = only("create role a password 'hunter2'");
        StatementShape b = only("create role a password 'other'");
        // A fingerprint over the password would be an unkeyed hash of it.
        assertThat(a.fingerprint()).isNotEqualTo(b.fingerprint());
        assertThat(a.fingerprint())
                .isEqualTo(only("create role a password 'hunter2'").fingerprint());
    }

    @Test
    void aStatementThatDoesNotParseKeepsNoLiteralNotEvenInTheError() {
        // PostgreSQL's message quotes the token it stopped at: here, the secret.
        Refused refused = (Refused) analyzer.analyze("create role x login 'hunter2' 'x'");
        assertThat(refused.recordedText())
                .startsWith("create role x login '[redacted hmac:")
                .doesNotContain("hunter2");
        assertThat(refused.message()).isEqualTo("syntax error at or near \"[redacted]\"");
        Refused unterminated = (Refused) analyzer.analyze("create role x password 'hunter2");
        assertThat(unterminated.recorded("create role x password 'hunter2"))
                .doesNotContain("hunter2")
                .contains("not recorded");
    }

    @Test
    void aSharedShapeDoesNotCarryAConnectionStringPastRedaction() {
        analyzer.analyze("select 'plain value'");
        String text = recordedTexts("select 'host=db password=hunter2'").getFirst();
        assertThat(text).doesNotContain("hunter2");
    }

    @Test
    void parametersBoundToKeysOrHoldingConnectionStringsAreRedacted() {
        StatementShape shape = only("select pgp_sym_encrypt($1, $2), dblink_connect($3)");
        assertThat(shape.secretParameters()).containsExactly(2);
        List<String> recorded = analyzer.redaction()
                .parameters(
                        Arrays.asList("data", "hunter2", "host=db password=hunter2", null), shape.secretParameters());
        assertThat(recorded.get(0)).isEqualTo("data");
        assertThat(recorded.get(1)).startsWith("[redacted hmac:");
        assertThat(recorded.get(2)).startsWith("[redacted hmac:");
        assertThat(recorded.get(3)).isNull();
        assertThat(String.join(",", recorded.subList(0, 3))).doesNotContain("hunter2");
        assertThat(analyzer.redaction().parameters(List.of("a", "b"), Set.of())).containsExactly("a", "b");
    }

    @Test
    void aStatementRefusedUnreadIsKeptByItsLengthOnly() {
        String huge = "create role x password 'hunter2' " + "-".repeat(5 << 20);
        Refused refused = (Refused) analyzer.analyze(huge);
        assertThat(refused.recorded(huge)).doesNotContain("hunter2").contains(huge.length() + " characters");
    }

    private static StatementShape only(String sql) {
        return ((Understood) analyzer.analyze(sql)).statements().getFirst();
    }

    private static List<String> recordedTexts(String sql) {
        return switch (analyzer.analyze(sql)) {
            case Understood u ->
                u.statements().stream().map(StatementShape::text).toList();
            case Refused r -> List.of(r.recorded(sql));
        };
    }
}
