package io.vigil.review.usage;

import java.time.LocalDate;

/** An agent's statements of one kind on one day (UTC). */
public record DayUsage(LocalDate day, String kind, long statements, long errors, long denials) {}
