package io.vigil.proxy.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.proxy.sql.SqlAnalysis;
import io.vigil.proxy.sql.SqlAnalyzer;
import io.vigil.proxy.sql.SqlLimits;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which held statements Vigil can measure for their approver, and how it reads a plan's estimate. */
class BlastRadiusTest {

    private static final SqlAnalyzer analyzer =
            new SqlAnalyzer(SqlLimits.defaults(), io.vigil.proxy.sql.Redaction.unkeyed());

    @AfterAll
    static void close() {
        analyzer.close();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            Update on items  (cost=0.00..35.50 rows=0 width=0)                    | -
            ->  Seq Scan on items  (cost=0.00..35.50 rows=2550 width=10)          | 2550
            Delete on public.items  (cost=0.15..8.17 rows=0 width=0)              | -
              ->  Index Scan using items_pkey on items  (cost=0.15..8.17 rows=1 width=6) | 1
            Seq Scan on orders  (cost=0.00..1.05 rows=5000 width=4)               | 5000
              Filter: (id = 1)                                                    | -
            """)
    void theEstimateIsOnTheFirstNodeUnderTheWrite(String line, Long rows) {
        assertThat(BlastRadius.estimate(line)).isEqualTo(rows);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            update t set n = 1                    | -            | -
            delete from t where id = $1           | 7            | -
            select * from t                       | -            | -
            update t set n = 1; update t set n = 2 | -           | not measured: it is 2 statements
            drop table t                          | -            | not measured: PostgreSQL cannot EXPLAIN this kind of statement
            update t set n = $1                   | \\x00ff       | not measured: its values were sent in binary or are too long to quote
            """)
    void whatCanBeMeasured(String sql, String value, String why) {
        SqlAnalysis.Understood understood = (SqlAnalysis.Understood) analyzer.analyzeNow(sql);
        List<String> values = value == null ? null : Arrays.asList(value);
        assertThat(BlastRadius.unmeasurable(understood.statements(), values)).isEqualTo(why);
    }

    @Test
    void aValueCutForTheTrailIsNotMeasured() {
        SqlAnalysis.Understood understood = (SqlAnalysis.Understood) analyzer.analyzeNow("update t set s = $1");
        assertThat(BlastRadius.unmeasurable(understood.statements(), List.of("x".repeat(100) + "... (70000 bytes)")))
                .startsWith("not measured");
    }
}
