package io.vigil.review.usage;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
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
    void thePngReadsBackAtItsSizeAndIsNotBlank() throws Exception {
        byte[] png = ActivityChart.png(
                List.of(new DayUsage(D1, "read", 5, 0, 0), new DayUsage(D1.plusDays(1), "ddl", 1, 0, 0)),
                D1,
                D1.plusDays(29),
                800,
                300);
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
        assertThat(image.getWidth()).isEqualTo(800);
        assertThat(image.getHeight()).isEqualTo(300);
        long distinct = java.util.stream.IntStream.range(0, 800)
                .flatMap(x -> java.util.stream.IntStream.range(0, 300).map(y -> image.getRGB(x, y)))
                .distinct()
                .count();
        assertThat(distinct).as("bars, axes and text, not an empty canvas").isGreaterThan(10);
    }

    @Test
    void anAgentWithoutStatementsStillGetsAChart() throws Exception {
        byte[] png = ActivityChart.png(List.of(), D1, D1.plusDays(6), 400, 200);
        assertThat(ImageIO.read(new ByteArrayInputStream(png)).getWidth()).isEqualTo(400);
    }
}
