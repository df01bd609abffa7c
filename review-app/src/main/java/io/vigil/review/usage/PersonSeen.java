package io.vigil.review.usage;

import java.time.OffsetDateTime;

/**
 * A human an agent acted for, or a task it worked on, as its sessions recorded them.
 *
 * @param value the person (on-behalf-of) or the task id
 */
public record PersonSeen(String value, long sessions, OffsetDateTime lastAt) {}
