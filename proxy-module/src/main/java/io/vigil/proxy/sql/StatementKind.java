package io.vigil.proxy.sql;

import java.util.Locale;

/** What a statement does, coarsely: the first thing a reviewer filters by. */
public enum StatementKind {
    /** Reads data and changes nothing (SELECT, COPY TO, FETCH, EXPLAIN without ANALYZE). */
    READ,
    /** Changes data (INSERT, UPDATE, DELETE, MERGE, COPY FROM, TRUNCATE, a data-modifying CTE). */
    WRITE,
    /** Changes the schema (CREATE, ALTER, DROP, SELECT INTO, COMMENT ...). */
    DDL,
    /** Changes who may do what (GRANT, REVOKE, roles, policies, SET ROLE, ownership). */
    PRIVILEGE,
    /** Anything else that runs on the server (SET, SHOW, VACUUM, LOCK, DO, CALL, LISTEN ...). */
    UTILITY,
    /** Transaction control (BEGIN, COMMIT, ROLLBACK, SAVEPOINT ...). */
    TRANSACTION;

    // Computed once: labels are written for every statement, on the event loops and by the shipper.
    private final String label = name().toLowerCase(Locale.ROOT);

    /** The name stored in the trail and shown in the web app. */
    public String label() {
        return label;
    }

    public static StatementKind ofLabel(String label) {
        return valueOf(label.toUpperCase(Locale.ROOT));
    }

    /** The riskier of two kinds, for a statement that does both (a SELECT with a DELETE in a CTE). */
    StatementKind max(StatementKind other) {
        return rank() >= other.rank() ? this : other;
    }

    private int rank() {
        return switch (this) {
            case TRANSACTION -> 0;
            case READ -> 1;
            case UTILITY -> 2;
            case WRITE -> 3;
            case DDL -> 4;
            case PRIVILEGE -> 5;
        };
    }
}
