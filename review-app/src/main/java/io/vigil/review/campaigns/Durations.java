package io.vigil.review.campaigns;

import java.time.Duration;

/** Durations as people read them: "90 days", "36 hours", "45 seconds". */
final class Durations {

    private Durations() {}

    static String words(Duration d) {
        long seconds = d.toSeconds();
        if (seconds % 86_400 == 0) {
            return plural(seconds / 86_400, "day");
        }
        if (seconds % 3_600 == 0) {
            return plural(seconds / 3_600, "hour");
        }
        if (seconds % 60 == 0) {
            return plural(seconds / 60, "minute");
        }
        return plural(seconds, "second");
    }

    private static String plural(long n, String unit) {
        return n + " " + unit + (n == 1 ? "" : "s");
    }
}
