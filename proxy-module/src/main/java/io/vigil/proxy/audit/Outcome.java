package io.vigil.proxy.audit;

import java.util.Locale;

/**
 * How a statement ended. A statement with no outcome at all was forwarded but its answer never
 * came back (the gateway or the target died): the trail shows it as "outcome unknown".
 */
public record Outcome(Status status, String commandTag, Long rows, String sqlState, String errorMessage) {

    public enum Status {
        /** The target ran it: CommandComplete (or PortalSuspended, EmptyQueryResponse). */
        COMPLETED,
        /** The target answered with an error. */
        FAILED,
        /** Never ran: an earlier statement of the same query or pipeline failed. */
        SKIPPED,
        /** Vigil did not forward it (it could not be parsed, or a limit refused it). */
        REFUSED;

        // Computed once: labels are written for every statement, on the event loops and by the shipper.
        private final String label = name().toLowerCase(Locale.ROOT);

        public String label() {
            return label;
        }

        public static Status ofLabel(String label) {
            return valueOf(label.toUpperCase(Locale.ROOT));
        }
    }

    public static Outcome completed(String commandTag, Long rows) {
        return new Outcome(Status.COMPLETED, commandTag, rows, null, null);
    }

    /** The longest error message kept in the trail; a longer one is cut, and says so. */
    public static final int MAX_ERROR_MESSAGE = 16 * 1024;

    /**
     * The target's error. Its message is the target's text, which a statement can make as long as it
     * likes ({@code RAISE EXCEPTION '%', repeat('x', 100000000)}): the trail keeps its start.
     */
    public static Outcome failed(String sqlState, String message) {
        return new Outcome(Status.FAILED, null, null, sqlState, cut(message));
    }

    static String cut(String message) {
        if (message == null || message.length() <= MAX_ERROR_MESSAGE) {
            return message;
        }
        int end = Character.isHighSurrogate(message.charAt(MAX_ERROR_MESSAGE - 1))
                ? MAX_ERROR_MESSAGE - 1
                : MAX_ERROR_MESSAGE;
        return message.substring(0, end) + " [cut by Vigil after " + end + " characters]";
    }

    public static Outcome skipped() {
        return new Outcome(Status.SKIPPED, null, null, null, "not executed: an earlier statement failed");
    }

    public static Outcome refused(String sqlState, String message) {
        return new Outcome(Status.REFUSED, null, null, sqlState, message);
    }
}
