package io.vigil.review.sessions;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** Times as the sessions pages show them: UTC, to the second; durations in milliseconds. */
final class Times {

    private static final DateTimeFormatter UTC = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'");

    private Times() {}

    static String utc(OffsetDateTime t) {
        return t == null ? "" : UTC.format(t.withOffsetSameInstant(ZoneOffset.UTC));
    }

    /** How long after {@code start} {@code t} came, as {@code +1.234 s}. */
    static String offset(OffsetDateTime start, OffsetDateTime t) {
        return "+%.3f s".formatted(Duration.between(start, t).toNanos() / 1e9);
    }

    static String millis(Long micros) {
        return micros == null ? "" : "%.2f ms".formatted(micros / 1000.0);
    }
}
