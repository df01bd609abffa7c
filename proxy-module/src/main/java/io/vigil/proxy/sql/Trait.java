package io.vigil.proxy.sql;

import java.util.Locale;

/**
 * Something about a statement a guardrail may judge it by, read from its parse tree wherever in it
 * the thing would run: the statement itself, its CTEs, the statement an EXPLAIN ANALYZE or a
 * PREPARE holds, the elements of a CREATE SCHEMA. Never from the text: a keyword inside a string,
 * a comment or an identifier is not a trait. Rules see the lower-case name ({@code
 * unbounded_delete}).
 */
public enum Trait {
    /**
     * A DELETE (also a MERGE's DELETE action) whose WHERE does not narrow the rows of the table it
     * changes: there is none, it names no column of that table, or it is true whatever the row
     * ({@code WHERE true}, {@code WHERE 1 = 1}, {@code WHERE $1}, {@code ... OR true}).
     */
    UNBOUNDED_DELETE,
    /** The same for an UPDATE (also a MERGE's UPDATE action). */
    UNBOUNDED_UPDATE,
    /** Drops an object of any kind (DROP TABLE, DROP DATABASE, DROP ROLE, DROP OWNED, ...). */
    DROP,
    TRUNCATE,
    /**
     * An ALTER that loses data or breaks what depends on it: DROP COLUMN, ALTER COLUMN TYPE, DROP
     * CONSTRAINT, SET UNLOGGED, DETACH PARTITION, any RENAME, SET SCHEMA.
     */
    DESTRUCTIVE_ALTER,
    /**
     * Changes who may do what: GRANT, REVOKE, roles and membership, ownership, default privileges,
     * row-level security policies, disabling row-level security, triggers or rules.
     */
    PRIVILEGE_CHANGE,
    /** Leaves code that runs later as whoever touches the table: CREATE TRIGGER, RULE, EVENT TRIGGER. */
    DEFERRED_CODE,
    /** COPY to or from a program on the database server. */
    COPY_PROGRAM,
    /** COPY to or from a file on the database server. */
    COPY_SERVER_FILE,
    /** COPY FROM STDIN: bulk load from the client. */
    COPY_FROM_STDIN,
    /** COPY TO STDOUT: bulk export to the client. */
    COPY_TO_STDOUT,
    /**
     * Calls a built-in that reaches past the database: server files, large objects, replication,
     * WAL and backup control, configuration reload, other servers (dblink).
     */
    SERVER_ACCESS,
    /** pg_terminate_backend, pg_cancel_backend: acts on other sessions. */
    SIGNALS_BACKEND,
    /** Changes settings kept beyond this session: ALTER SYSTEM, ALTER DATABASE / ROLE ... SET. */
    STORED_SETTING,
    /**
     * Extends what the server can run: CREATE / ALTER EXTENSION, LANGUAGE, FOREIGN DATA WRAPPER,
     * SERVER, SUBSCRIPTION, PUBLICATION, foreign tables, LOAD.
     */
    EXTENSION,
    /** Creates or alters a function that is SECURITY DEFINER or in C (or internal). */
    UNSAFE_FUNCTION,
    /** Creates or replaces a function or procedure. */
    DEFINES_FUNCTION,
    /**
     * CREATE OR REPLACE of a function the session's role does not own (from the target's catalog):
     * PostgreSQL lets a member of the owner's role do it, and the function then runs its new body
     * for everyone who calls it (as its owner, if SECURITY DEFINER). A catalog cut short counts.
     */
    REPLACES_UNOWNED_FUNCTION,
    /**
     * Runs SQL made from a string, which nothing can judge before it runs: query_to_xml, ts_stat,
     * dblink and the like, EXECUTE of a computed string in a DO block or function body; or code
     * Vigil cannot read (a body in another language, or one that does not parse).
     */
    DYNAMIC_SQL,
    /** CREATE TABLE AS, CREATE MATERIALIZED VIEW, SELECT INTO. */
    CREATE_TABLE_AS,
    /**
     * An INSERT, UPDATE, DELETE or MERGE inside a WITH ({@code WITH d AS (DELETE ... RETURNING *)
     * SELECT ...}): PostgreSQL does not report how many rows it changed, so no row cap can count it.
     */
    WRITES_IN_CTE,
    /** LOCK, in any mode. */
    LOCK,
    /** LOCK in a mode stronger than ACCESS SHARE (which pg_dump takes): it blocks writers. */
    STRONG_LOCK,
    /** An anonymous code block (DO). */
    DO_BLOCK,
    /** VACUUM FULL, REINDEX, CLUSTER, CHECKPOINT: heavy locks or I/O on the whole table or server. */
    MAINTENANCE,
    /**
     * Writes a system catalog (UPDATE pg_authid, DELETE FROM pg_class, UPDATE pg_settings ...): any
     * privilege, object or setting change there is, done behind the statements that would say so.
     */
    CATALOG_WRITE,
    /** setval: moves a sequence. */
    SETVAL,
    /**
     * Calls a function that is not the server's own and is VOLATILE (it may change anything, even
     * from a SELECT), or one the target's catalog does not know (made since it was read, or never):
     * an overloaded name counts as its worst overload. Read from the catalog, per session.
     */
    CALLS_VOLATILE_FUNCTION,
    /** Calls a SECURITY DEFINER function (it runs as its owner), or one the catalog does not know. */
    CALLS_SECURITY_DEFINER;

    // Computed once: traits are handed to every rule evaluation.
    private final String label = name().toLowerCase(Locale.ROOT);

    /** The name rules use. */
    public String label() {
        return label;
    }
}
