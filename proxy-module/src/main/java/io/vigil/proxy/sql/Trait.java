package io.vigil.proxy.sql;

/** Something about a statement a guardrail may judge it by, read from its parse tree. */
public enum Trait {
    /**
     * An UPDATE or DELETE (also in a CTE, EXPLAIN ANALYZE or PREPARE) whose WHERE does not narrow
     * the rows of the table it changes: there is none, it names no column of that table, or it is
     * true whatever the row ({@code WHERE true}, {@code WHERE 1 = 1}, {@code WHERE $1}, {@code ... OR
     * true}).
     */
    UNBOUNDED
}
