package io.vigil.review.usage;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An agent's statements per day, stacked by kind: what the activity chart on its page draws (see
 * {@link ActivityBars}). Days without statements count zero, so a gap shows as a gap.
 */
public final class ActivityChart {

    /** Kinds in the order they stack, with the app's colours for them (Lumo's where it has one). */
    static final Map<String, String> KINDS = kinds();

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
                series.put(kind, new ArrayList<>(Collections.nCopies(days, 0L)));
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

    /** The most statements of any one day, at least 1 (the scale's top). */
    public static long busiestDay(Map<String, List<Long>> series) {
        long max = 1;
        int days = series.values().stream().mapToInt(List::size).max().orElse(0);
        for (int d = 0; d < days; d++) {
            long total = 0;
            for (List<Long> counts : series.values()) {
                total += d < counts.size() ? counts.get(d) : 0;
            }
            max = Math.max(max, total);
        }
        return max;
    }

    private static String kindOf(DayUsage u) {
        return KINDS.containsKey(u.kind()) ? u.kind() : "other";
    }

    private static Map<String, String> kinds() {
        Map<String, String> kinds = new LinkedHashMap<>();
        kinds.put("read", "var(--lumo-primary-color)");
        kinds.put("write", "var(--lumo-warning-color, #e08a1e)");
        kinds.put("ddl", "var(--lumo-error-color)");
        kinds.put("privilege", "#8e44ad");
        kinds.put("transaction", "var(--lumo-contrast-40pct)");
        kinds.put("utility", "var(--lumo-contrast-20pct)");
        kinds.put("other", "var(--lumo-contrast-60pct)");
        return Collections.unmodifiableMap(kinds);
    }
}
