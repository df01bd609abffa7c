package io.vigil.proxy.sql;

/** One analyzer for every fast test in the JVM: its parser threads are daemons, so it is never closed. */
public final class SharedAnalyzer {

    public static final SqlAnalyzer INSTANCE = new SqlAnalyzer(SqlLimits.defaults());

    private SharedAnalyzer() {}
}
