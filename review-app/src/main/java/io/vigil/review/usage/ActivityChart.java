package io.vigil.review.usage;

import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.Styler;

/**
 * An agent's statements per day, stacked by kind: the activity chart on its page (XChart, drawn to
 * PNG on the server). Days without statements are drawn as zero, so a gap shows as a gap.
 */
public final class ActivityChart {

    /** Kinds in the order they stack, with their colours. */
    private static final Map<String, Color> KINDS = kinds();

    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("MM-dd");

    private ActivityChart() {}

    /**
     * Statements per kind per day from {@code from} to {@code to} (both included), zero where the
     * rollups have nothing; only kinds that occur get a series.
     */
    public static Map<String, List<Long>> series(List<DayUsage> usage, LocalDate from, LocalDate to) {
        int days = (int) (to.toEpochDay() - from.toEpochDay()) + 1;
        Map<String, List<Long>> series = new LinkedHashMap<>();
        for (String kind : KINDS.keySet()) {
            if (usage.stream().anyMatch(u -> kindOf(u).equals(kind))) {
                series.put(kind, new ArrayList<>(java.util.Collections.nCopies(days, 0L)));
            }
        }
        for (DayUsage u : usage) {
            int i = (int) (u.day().toEpochDay() - from.toEpochDay());
            if (i >= 0 && i < days) {
                List<Long> counts = series.get(kindOf(u));
                counts.set(i, counts.get(i) + u.statements());
            }
        }
        return series;
    }

    /** The chart as a PNG image, {@code width} x {@code height} pixels. */
    public static byte[] png(List<DayUsage> usage, LocalDate from, LocalDate to, int width, int height) {
        CategoryChart chart = new CategoryChartBuilder()
                .width(width)
                .height(height)
                .xAxisTitle("day (UTC)")
                .yAxisTitle("statements")
                .build();
        chart.getStyler().setStacked(true);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setPlotGridVerticalLinesVisible(false);
        chart.getStyler().setXAxisLabelRotation(90);
        chart.getStyler().setOverlapped(false);
        List<String> days = new ArrayList<>();
        for (LocalDate d = from; !d.isAfter(to); d = d.plusDays(1)) {
            days.add(DAY.format(d));
        }
        Map<String, List<Long>> series = series(usage, from, to);
        if (series.isEmpty()) {
            series = Map.of("no statements", new ArrayList<>(java.util.Collections.nCopies(days.size(), 0L)));
        }
        List<Color> colors = new ArrayList<>();
        for (var s : series.entrySet()) {
            chart.addSeries(s.getKey(), days, s.getValue());
            colors.add(KINDS.getOrDefault(s.getKey(), Color.GRAY));
        }
        chart.getStyler().setSeriesColors(colors.toArray(Color[]::new));
        try {
            return BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot draw the activity chart", e);
        }
    }

    private static String kindOf(DayUsage u) {
        return KINDS.containsKey(u.kind()) ? u.kind() : "other";
    }

    private static Map<String, Color> kinds() {
        Map<String, Color> kinds = new LinkedHashMap<>();
        kinds.put("read", new Color(0x2f, 0x6f, 0xb3));
        kinds.put("write", new Color(0xe0, 0x8a, 0x1e));
        kinds.put("ddl", new Color(0xc0, 0x39, 0x2b));
        kinds.put("privilege", new Color(0x8e, 0x44, 0xad));
        kinds.put("transaction", new Color(0x7f, 0x8c, 0x8d));
        kinds.put("utility", new Color(0x95, 0xa5, 0xa6));
        kinds.put("other", new Color(0x34, 0x49, 0x5e));
        return kinds;
    }
}
