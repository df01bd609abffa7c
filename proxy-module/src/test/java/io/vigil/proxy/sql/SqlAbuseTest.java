package io.vigil.proxy.sql;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.proxy.sql.SqlAnalysis.Refused;
import io.vigil.proxy.sql.SqlAnalysis.Understood;
import org.junit.jupiter.api.Test;

/**
 * Input meant to crash or stall the native parser. Each case must come back as a clean refusal
 * (or a parse), with the JVM alive: a SIGSEGV here would kill the whole test run.
 */
class SqlAbuseTest {

    private static final SqlAnalyzer analyzer = SharedAnalyzer.INSTANCE;

    @Test
    void thirtyThousandNestedParenthesesAreRefusedBeforeParsing() {
        String sql = "select " + "(".repeat(30_000) + "1" + ")".repeat(30_000);
        assertRefused(sql, "54001");
    }

    @Test
    void thirtyThousandNestedSubSelectsAreRefused() {
        String sql = "select " + "(select".repeat(30_000) + " 1" + ")".repeat(30_000);
        assertRefused(sql, "54001");
    }

    @Test
    void aLeftDeepChainWithoutParenthesesIsRefusedOrParsedButNeverCrashes() {
        // 30,000 levels without a single parenthesis: the gate cannot see it; the parser thread's
        // large stack survives it and the JSON depth limit refuses the tree.
        String sql = "select 1" + "+1".repeat(30_000);
        SqlAnalysis analysis = analyzer.analyze(sql);
        assertThat(analysis).isInstanceOfSatisfying(Refused.class, r -> assertThat(r.sqlState())
                .isEqualTo("54001"));
    }

    @Test
    void aStatementOverTheLimitIsRefusedNamingTheLimitAndItsSetting() {
        String sql = "select '" + "x".repeat(4 << 20) + "'";
        assertThat(analyzer.analyze(sql)).isInstanceOfSatisfying(Refused.class, r -> {
            assertThat(r.sqlState()).isEqualTo("54000");
            assertThat(r.message())
                    .isEqualTo("statement of " + (sql.length()) + " bytes exceeds Vigil's limit of 4194304 bytes"
                            + " (set by vigil.gateway.max-statement-bytes)");
        });
    }

    /** A bulk load as applications send it: 10,000 rows of VALUES, 0.7 MB of text. */
    @Test
    void anInsertOfTenThousandRowsIsUnderstood() {
        StringBuilder sql = new StringBuilder("insert into orders (id, customer_id, total, status, note) values ");
        for (int i = 0; i < 10_000; i++) {
            sql.append(i == 0 ? "" : ", ")
                    .append('(')
                    .append(i)
                    .append(", ")
                    .append(i * 7 % 2000)
                    .append(", ")
                    .append(i * 1.25)
                    .append(", 'shipped', 'note number ")
                    .append(i)
                    .append(" about this order')");
        }
        assertThat(analyzer.analyze(sql.toString()))
                .isInstanceOfSatisfying(
                        SqlAnalysis.Understood.class,
                        u -> assertThat(u.statements().getFirst().writes()).containsExactly("orders"));
    }

    @Test
    void deeplyNestedCommentsAreRefusedBeforeTheQuadraticLexerSeesThem() {
        String sql = "select 1 " + "/*".repeat(20_000) + "*/".repeat(20_000);
        assertRefused(sql, "54001");
    }

    @Test
    void aNulIsRefused() {
        assertRefused("select 1\0; drop table t", "22021");
    }

    @Test
    void aLargeButReasonableStatementParsesOnAParserThread() {
        StringBuilder sql = new StringBuilder("select * from orders where id in (0");
        for (int i = 1; i < 20_000; i++) {
            sql.append(',').append(i);
        }
        sql.append(')');
        assertThat(analyzer.analyzeNow(sql.toString())).isNull();
        assertThat(analyzer.analyzeOnParserThread(sql.toString()).join()).isInstanceOf(Understood.class);
    }

    @Test
    void theParserStillWorksAfterTheAbuse() {
        thirtyThousandNestedSubSelectsAreRefused();
        aLeftDeepChainWithoutParenthesesIsRefusedOrParsedButNeverCrashes();
        assertThat(analyzer.analyze("select 1")).isInstanceOf(Understood.class);
    }

    private static void assertRefused(String sql, String sqlState) {
        assertThat(analyzer.analyze(sql)).isInstanceOfSatisfying(Refused.class, r -> assertThat(r.sqlState())
                .isEqualTo(sqlState));
    }
}
