package io.vigil.proxy.sql;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Which texts share a shape, and which get none because PostgreSQL's scanner might cut them otherwise. */
class ShapeKeyTest {

    @ParameterizedTest(name = "{0} ~ {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            SELECT abalance FROM pgbench_accounts WHERE aid = 41;   | SELECT abalance FROM pgbench_accounts WHERE aid = 7;
            select * from t where name = 'bob'                       | select * from t where name = 'it''s é ünïcode'
            select * from t where name = ''                          | select * from t where name = 'x'
            select 1.5, 2e10, 3.                                     | select 0.25, 1E-3, 7.
            select -5                                                | select -2147483647
            select 00000000000000000001                              | select 2147483647
            select 12345678901, 1.0                                  | select 2147483648, 3e0
            insert into t (a, b) values ($1, 'x')                    | insert into t (a, b) values ($1, 'yy')
            select "Odd ""na""me", 'v' from "weird table"            | select "Odd ""na""me", 'w' from "weird table"
            select interval '1 day'                                  | select interval '2 hours'
            update t set a = 'x' where id = 1                         | update t set a = 'multi line' where id = 99
            select 'a'                                               | select 'b'
            """)
    void sameShapeWithOtherConstants(String one, String other) {
        String key = ShapeKey.of(one);
        assertThat(key).isNotNull().isEqualTo(ShapeKey.of(other));
    }

    @ParameterizedTest(name = "{0} !~ {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            select 2147483647                         | select 2147483648
            select 1                                  | select 1.0
            select 1                                  | select '1'
            select 1                                  | SELECT 1
            select 1 from a                           | select 1 from b
            select "a" from t                         | select "b" from t
            select $1                                 | select $2
            select 1  from t                          | select 1 from t
            select 'a' from t where x = 1             | select 'a' from t where x = 1 or true
            """)
    void otherShapes(String one, String other) {
        assertThat(ShapeKey.of(one)).isNotNull().isNotEqualTo(ShapeKey.of(other));
    }

    /** Each of these could be cut into tokens differently by PostgreSQL than by a simple scanner. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {
                "select 1 -- comment",
                "select 1 /* comment */",
                "select /* 'a' */ 1",
                "select $$x$$",
                "select $tag$ ' $tag$",
                "select $x",
                "select $1abc",
                "select E'a\\'b'",
                "select e'x'",
                "select U&'d\\0061t'",
                "select U&\"d\\0061t\"",
                "select B'101'",
                "select X'ff'",
                "select N'x'",
                "select date'2020-01-01'",
                "select 5'x'",
                "select 'a\\'",
                "select 'a\\' ; drop table t; --'",
                "select 'unterminated",
                "select \"unterminated",
                "select 1..2",
                "select .5",
                "select t.5",
                "select 123abc",
                "select 0x1F",
                "select 1_000",
                "select 1e",
                "select 1e+",
                "select 1.2.3",
                "select é from t",
                "select 1\u000b",
                "select `1`",
                "select 1 \\g",
                "select 1::float(10)",
                "select 1::FLOAT (10)",
                "select '{}'::int[5]",
                "select a[ 1] from t",
            })
    void noKeyWhereTheScannersCouldDisagree(String sql) {
        assertThat(ShapeKey.of(sql)).isNull();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"select 'é'", "select \"é\" from t", "select 1\t\r\n\f", ""})
    void nonAsciiInsideLiteralsAndNamesAndWhitespaceAreFine(String sql) {
        assertThat(ShapeKey.of(sql)).isNotNull();
    }

    @org.junit.jupiter.api.Test
    void longTextsHaveNoKey() {
        assertThat(ShapeKey.of("select " + "1,".repeat(ShapeKey.MAX_LENGTH) + "1"))
                .isNull();
    }
}
