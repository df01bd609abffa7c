package io.vigil.reporting;

import java.time.Instant;
import java.util.List;

/**
 * Management's acknowledgement, and who was told what while the campaign ran.
 *
 * @param owner the campaign's owner, who signs it off
 * @param by who signed it off, null while it waits
 * @param notices every launch notice, reminder, escalation and sign-off request, in order
 */
public record SignOff(String owner, String by, Instant at, String note, List<Notice> notices) {

    public SignOff {
        notices = List.copyOf(notices);
    }

    /** @param mailError why the mail did not go out, null if it did */
    public record Notice(String kind, String recipient, int items, Instant sentAt, String mailError) {}
}
