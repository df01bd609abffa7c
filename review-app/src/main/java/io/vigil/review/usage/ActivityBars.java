package io.vigil.review.usage;

import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Span;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;

/**
 * The activity chart, drawn with the page's own elements: one column per day, stacked by kind, in
 * the app's colours and type, with a legend, the scale's top, a date under every seventh day, and
 * each day's counts on hover. It scales with the page, so it stays legible at any width.
 */
final class ActivityBars extends Div {

    private static final long serialVersionUID = 1L;
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("MMM d");

    ActivityBars(Map<String, List<Long>> series, LocalDate from, int days) {
        setId("activity-chart");
        setWidthFull();
        getStyle().set("font-size", "var(--lumo-font-size-s)").set("color", "var(--lumo-secondary-text-color)");
        add(legend(series));
        long top = ActivityChart.busiestDay(series);
        Span scale = new Span(top + " statements a day");
        scale.setId("activity-scale");
        add(scale);
        Div plot = row("10rem");
        plot.getStyle()
                .set("align-items", "flex-end")
                .set("border-bottom", "1px solid var(--lumo-contrast-30pct)")
                .set("border-left", "1px solid var(--lumo-contrast-30pct)");
        Div labels = row("auto");
        for (int d = 0; d < days; d++) {
            plot.add(day(series, d, top, from.plusDays(d)));
            Span label = new Span(d % 7 == 0 ? DAY.format(from.plusDays(d)) : "");
            label.getStyle().set("flex", "1 1 0").set("white-space", "nowrap").set("overflow", "visible");
            labels.add(label);
        }
        add(plot, labels);
    }

    private static Div row(String height) {
        Div row = new Div();
        row.getStyle()
                .set("display", "flex")
                .set("gap", "2px")
                .set("height", height)
                .set("width", "100%");
        return row;
    }

    private static Div legend(Map<String, List<Long>> series) {
        Div legend = new Div();
        legend.getStyle().set("display", "flex").set("flex-wrap", "wrap").set("gap", "var(--lumo-space-m)");
        if (series.isEmpty()) {
            legend.add(new Span("No statements in this period."));
        }
        for (String kind : series.keySet()) {
            Span swatch = new Span();
            swatch.getStyle()
                    .set("display", "inline-block")
                    .set("width", "0.8em")
                    .set("height", "0.8em")
                    .set("margin-right", "0.3em")
                    .set("border-radius", "2px")
                    .set("background", ActivityChart.KINDS.get(kind));
            legend.add(new Span(swatch, new Span(kind)));
        }
        return legend;
    }

    /** One day's column: a segment per kind, bottom up, its height the day's share of the top. */
    private static Div day(Map<String, List<Long>> series, int d, long top, LocalDate date) {
        Div column = new Div();
        column.getStyle()
                .set("flex", "1 1 0")
                .set("display", "flex")
                .set("flex-direction", "column-reverse")
                .set("height", "100%");
        StringBuilder title = new StringBuilder(date.toString()).append(':');
        long total = 0;
        for (var s : series.entrySet()) {
            long count = d < s.getValue().size() ? s.getValue().get(d) : 0;
            if (count == 0) {
                continue;
            }
            total += count;
            title.append(' ').append(count).append(' ').append(s.getKey()).append(',');
            Div segment = new Div();
            segment.getStyle()
                    .set("height", (100.0 * count / top) + "%")
                    .set("min-height", "2px")
                    .set("background", ActivityChart.KINDS.get(s.getKey()));
            column.add(segment);
        }
        column.getElement()
                .setAttribute("title", total == 0 ? date + ": no statements" : title.substring(0, title.length() - 1));
        column.addClassName("activity-day");
        return column;
    }
}
