package io.vigil.review.ui;

import com.vaadin.flow.component.notification.Notification;
import com.vaadin.flow.component.notification.NotificationVariant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.springframework.security.access.AccessDeniedException;

/**
 * How pages tell people what happened: a change that worked, or why it did not. The services decide
 * and explain (bad input, no permission, the trail cannot record it now); pages only show it.
 */
public final class Feedback {

    private static final DateTimeFormatter UTC = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'");

    private Feedback() {}

    /** Runs {@code change}; shows its refusal instead of failing the page. Returns whether it worked. */
    public static boolean attempt(Runnable change) {
        try {
            change.run();
            return true;
        } catch (IllegalArgumentException | IllegalStateException e) {
            error(e.getMessage());
        } catch (AccessDeniedException e) {
            error("Not allowed: " + e.getMessage());
        }
        return false;
    }

    public static void success(String message) {
        Notification.show(message, 4_000, Notification.Position.BOTTOM_START)
                .addThemeVariants(NotificationVariant.LUMO_SUCCESS);
    }

    public static void error(String message) {
        Notification n = Notification.show(message, 8_000, Notification.Position.MIDDLE);
        n.addThemeVariants(NotificationVariant.LUMO_ERROR);
        n.setId("error-notification");
    }

    /** A time to the minute, in UTC; empty for none. */
    public static String utc(OffsetDateTime t) {
        return t == null ? "" : UTC.format(t.withOffsetSameInstant(ZoneOffset.UTC));
    }
}
