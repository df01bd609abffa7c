package io.vigil.review.usage;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ActivityChartTest {

    private static final LocalDate D1 = LocalDate.parse("2026-11-01");

    @Test
    void eachKindIsASeriesWithADayForEveryDayAndZeroWhereNothingRan() {
        List<DayUsage> usage = List.of(
                new DayUsage(D1, "read", 5, 0, 0),
                new DayUsage(D1.plusDays(2), "read", 3, 0, 0),
                new DayUsage(D1.plusDays(2), "write", 1, 0, 0),
                new DayUsage(D1.plusDays(1), "unknown", 2, 2, 2),
                new DayUsage(D1.plusDays(9), "read", 100, 0, 0));
        Map<String, List<Long>> series = ActivityChart.series(usage, D1, D1.plusDays(3));
        assertThat(series)
                .containsExactly(
                        Map.entry("read", List.of(5L, 0L, 3L, 0L)),
                        Map.entry("write", List.of(0L, 0L, 1L, 0L)),
                        Map.entry("other", List.of(0L, 2L, 0L, 0L)));
    }

    @Test
    void theScalesTopIsTheBusiestDayAcrossKinds() {
        Map<String, List<Long>> series = ActivityChart.series(
                List.of(
                        new DayUsage(D1, "read", 5, 0, 0),
                        new DayUsage(D1.plusDays(1), "read", 4, 0, 0),
                        new DayUsage(D1.plusDays(1), "ddl", 3, 0, 0)),
                D1,
                D1.plusDays(6));
        assertThat(ActivityChart.busiestDay(series)).isEqualTo(7);
        assertThat(ActivityChart.busiestDay(ActivityChart.series(List.of(), D1, D1.plusDays(6))))
                .as("an agent without statements still gets a scale")
                .isEqualTo(1);
    }
}
