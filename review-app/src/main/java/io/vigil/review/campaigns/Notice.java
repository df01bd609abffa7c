package io.vigil.review.campaigns;

import java.time.OffsetDateTime;

/** A reminder, escalation or other notice as sent; {@code mailError} says why no mail went, if none did. */
public record Notice(String kind, String recipient, int items, OffsetDateTime sentAt, String mailError) {}
