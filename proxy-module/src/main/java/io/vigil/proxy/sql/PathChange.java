package io.vigil.proxy.sql;

import java.util.List;

/**
 * What a statement does to how the session resolves relation names, as far as its text tells: its
 * search_path, the transaction a SET LOCAL lasts for, its temporary tables.
 *
 * @param kind what changes
 * @param names the schemas set, for {@link Kind#SET}
 * @param local for the transaction only ({@code SET LOCAL}, {@code set_config(..., true)})
 */
public record PathChange(Kind kind, List<String> names, boolean local) {

    public enum Kind {
        /** The search_path is set to {@code names}. */
        SET,
        /** The search_path goes back to the session's start value. */
        RESET,
        /** A transaction block begins: what it sets is undone if it rolls back. */
        BEGIN,
        /** The transaction commits: its SET LOCALs end, its SETs stay. */
        COMMIT,
        /** The transaction rolls back: its SETs and SET LOCALs are undone. */
        ROLLBACK,
        /** DISCARD TEMP: the session's temporary tables are gone. */
        DISCARD_TEMP,
        /** DISCARD ALL: temporary tables gone, settings reset, the transaction state with them. */
        DISCARD_ALL,
        /**
         * Changed in a way only the server knows: a computed value, a procedure, a schema made or
         * dropped, another role, a rollback to a savepoint.
         */
        UNKNOWN
    }

    public static final PathChange UNKNOWN = new PathChange(Kind.UNKNOWN, List.of(), false);

    public PathChange {
        names = List.copyOf(names);
    }

    static PathChange of(Kind kind) {
        return new PathChange(kind, List.of(), false);
    }
}
