package io.vigil.proxy.audit;

/**
 * What became of a statement: the command tag and row count on success, the SQLSTATE and message on
 * failure, or neither when the database never ran it.
 */
public record Outcome(String commandTag, Long rows, String sqlState, String errorMessage) {

    public static Outcome completed(String commandTag, Long rows) {
        return new Outcome(commandTag, rows, null, null);
    }

    public static Outcome failed(String sqlState, String message) {
        return new Outcome(null, null, sqlState, message);
    }

    /** An earlier message of the same extended-protocol pipeline failed, so this one never ran. */
    public static Outcome skipped() {
        return new Outcome(null, null, null, "not executed: an earlier message of its pipeline failed");
    }

    public boolean succeeded() {
        return sqlState == null && errorMessage == null;
    }
}
