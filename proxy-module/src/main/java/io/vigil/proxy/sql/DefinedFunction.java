package io.vigil.proxy.sql;

/**
 * A function or procedure a CREATE [OR REPLACE] FUNCTION / PROCEDURE makes.
 *
 * @param name as written ({@code app.pay_out}, {@code helper})
 * @param orReplace whether it may replace one that exists (and so one another role owns)
 */
public record DefinedFunction(String name, boolean orReplace) {}
