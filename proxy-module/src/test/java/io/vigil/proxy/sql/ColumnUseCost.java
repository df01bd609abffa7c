package io.vigil.proxy.sql;

import java.lang.reflect.Method;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * What finding a statement's columns adds to its analysis: the walk over its parse tree beside a
 * whole analysis of a text no cache holds (parse, classification, redaction, fingerprint), for
 * pgbench's statements and a join, in alternating rounds in one JVM. Paid once per distinct text.
 *
 * <pre>java -cp ... io.vigil.proxy.sql.ColumnUseCost</pre>
 */
public final class ColumnUseCost {

    private static final int N = 20_000;

    public static void main(String[] args) throws Exception {
        List<String> statements = List.of(
                "SELECT abalance FROM pgbench_accounts WHERE aid = $1",
                "UPDATE pgbench_accounts SET abalance = abalance + $1 WHERE aid = $2",
                "select o.id, c.name, sum(l.qty) from orders o join customers c on c.id = o.customer_id"
                        + " join lines l using (order_id) where o.placed > now() - interval '1 day'"
                        + " group by o.id, c.name order by 3 desc limit 10");
        try (SqlAnalyzer analyzer = new SqlAnalyzer(SqlLimits.defaults())) {
            Method tree = SqlAnalyzer.class.getDeclaredMethod("treeOrNull", String.class);
            tree.setAccessible(true);
            for (int round = 0; round < 5; round++) {
                for (String sql : statements) {
                    JsonNode root = (JsonNode) tree.invoke(analyzer, sql);
                    JsonNode statement = root.path("stmts").get(0).path("stmt");
                    long t0 = System.nanoTime();
                    int columns = 0;
                    for (int i = 0; i < N; i++) {
                        columns += ColumnUse.of(statement).get("all").size();
                    }
                    long walk = (System.nanoTime() - t0) / N;
                    t0 = System.nanoTime();
                    for (int i = 0; i < N; i++) {
                        analyzer.analyzeNow(sql + " -- " + round + "." + i);
                    }
                    long analysis = (System.nanoTime() - t0) / N;
                    System.out.printf(
                            "%s round %d: columns %d ns, whole analysis %d ns (%d columns)%n",
                            sql.substring(0, 6), round, walk, analysis, columns / N);
                }
            }
        }
    }
}
