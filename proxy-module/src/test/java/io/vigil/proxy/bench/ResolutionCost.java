package io.vigil.proxy.bench;

import io.vigil.proxy.audit.AuditEvent.StatementStarted;
import io.vigil.proxy.session.StatementTracker;
import io.vigil.proxy.sql.RelationCatalog;
import io.vigil.proxy.sql.SessionRelations;
import io.vigil.proxy.sql.SqlAnalysis.Understood;
import io.vigil.proxy.sql.SqlAnalyzer;
import io.vigil.proxy.sql.SqlLimits;
import java.time.InstantSource;
import java.util.List;
import java.util.UUID;

/**
 * What resolving relation names costs the gateway's event loop per statement: the tracker's work
 * for pgbench's select-only statement by simple query (analysis from the cache, lookup decision,
 * resolution, start event) and by extended protocol (Bind and Execute of a prepared statement),
 * with and without a resolver, in alternating rounds in one JVM.
 *
 * <pre>java -cp ... io.vigil.proxy.bench.ResolutionCost</pre>
 */
public final class ResolutionCost {

    private static final String SQL = "SELECT abalance FROM pgbench_accounts WHERE aid = 4242;";
    private static final int N = 2_000_000;

    public static void main(String[] args) {
        RelationCatalog.Builder catalog =
                RelationCatalog.builder().schema("pg_catalog", true).schema("public", true);
        for (String t : List.of("pgbench_accounts", "pgbench_branches", "pgbench_tellers", "pgbench_history")) {
            catalog.relation("public", t);
        }
        for (int i = 0; i < 400; i++) {
            catalog.relation("pg_catalog", "pg_rel_" + i);
        }
        RelationCatalog built = catalog.build();
        try (SqlAnalyzer analyzer = new SqlAnalyzer(SqlLimits.defaults())) {
            for (int round = 0; round < 6; round++) {
                for (boolean resolving : new boolean[] {false, true}) {
                    System.out.printf(
                            "round %d %-13s simple %6.0f ns/statement, prepared %6.0f ns/statement%n",
                            round,
                            resolving ? "resolving" : "as written",
                            simple(analyzer, resolving ? relations(built) : null),
                            prepared(analyzer, resolving ? relations(built) : null));
                }
            }
        }
    }

    private static SessionRelations relations(RelationCatalog catalog) {
        return new SessionRelations("bench", "bench", catalog, List.of("$user", "public"));
    }

    private static StatementTracker tracker(SessionRelations relations) {
        return new StatementTracker(
                UUID.randomUUID(),
                InstantSource.system(),
                System::nanoTime,
                false,
                io.vigil.proxy.sql.Redaction.unkeyed(),
                relations);
    }

    private static double simple(SqlAnalyzer analyzer, SessionRelations relations) {
        StatementTracker tracker = tracker(relations);
        long sink = 0;
        long start = System.nanoTime();
        for (int i = 0; i < N; i++) {
            Understood u = (Understood) analyzer.analyzeNow(SQL);
            if (relations != null && relations.lookup(u.statements()) != null) {
                throw new IllegalStateException("a settled statement asked for a lookup");
            }
            sink += tracker.query(u).events().size();
            tracker.commandComplete("SELECT 1", 1L);
            tracker.readyForQuery();
        }
        return check(sink, (System.nanoTime() - start) / (double) N);
    }

    private static double prepared(SqlAnalyzer analyzer, SessionRelations relations) {
        StatementTracker tracker = tracker(relations);
        tracker.parse("P0_1", SQL, analyzer.analyzeNow(SQL));
        tracker.sync();
        tracker.readyForQuery();
        long sink = 0;
        long start = System.nanoTime();
        for (int i = 0; i < N; i++) {
            tracker.bind("", "P0_1", List.of("4242"));
            sink += ((StatementStarted) tracker.execute("").events().getFirst()).seq();
            tracker.sync();
            tracker.commandComplete("SELECT 1", 1L);
            tracker.readyForQuery();
        }
        return check(sink, (System.nanoTime() - start) / (double) N);
    }

    private static double check(long sink, double value) {
        return sink == 42 ? -1 : value;
    }
}
