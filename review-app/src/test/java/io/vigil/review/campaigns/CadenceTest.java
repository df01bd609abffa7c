package io.vigil.review.campaigns;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CadenceTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            0 0 6 1 1/3 ? *     | QUARTERLY
            '  0 0 6 1 1/3 ? * '| QUARTERLY
            0  0 6 1 * ? *      | MONTHLY
            0 0 6 ? * MON *     | WEEKLY
            0 0 6 ? * TUE *     | CUSTOM
            0 30 9 1 1/3 ? *    | CUSTOM
            ''                  | CUSTOM
            """)
    void anExpressionIsTheCadenceItSpellsOrCustom(String cron, Cadence expected) {
        assertThat(Cadence.of(cron)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({"QUARTERLY", "MONTHLY", "WEEKLY"})
    void eachNamedCadenceReadsBackAsItself(Cadence cadence) {
        assertThat(Cadence.of(cadence.cron())).isEqualTo(cadence);
        assertThat(org.quartz.CronExpression.isValidExpression(cadence.cron())).isTrue();
    }
}
