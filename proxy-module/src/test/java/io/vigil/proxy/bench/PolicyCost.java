package io.vigil.proxy.bench;

import io.vigil.proxy.policy.AgentFacts;
import io.vigil.proxy.policy.Decide;
import io.vigil.proxy.policy.Policy;
import io.vigil.proxy.policy.PolicyDocument;
import io.vigil.proxy.policy.StatementFacts;
import io.vigil.proxy.sql.SqlAnalysis.Understood;
import io.vigil.proxy.sql.SqlAnalyzer;
import io.vigil.proxy.sql.SqlLimits;
import io.vigil.proxy.sql.StatementShape;
import java.util.List;

/**
 * What a verdict costs: {@link Decide#decide} for pgbench's statements under the baseline preset's
 * full rule set. An allowed statement is the dearest case: every rule is evaluated. Issue 18 allows
 * 3 µs (median).
 *
 * <pre>java -cp ... io.vigil.proxy.bench.PolicyCost</pre>
 */
public final class PolicyCost {

    private static final int N = 1_000_000;

    public static void main(String[] args) throws Exception {
        PolicyDocument baseline = PolicyDocument.preset("baseline");
        List<Policy> policies = List.of(baseline.compile(1));
        AgentFacts agent = new AgentFacts("bench", List.of("load"), "owner", "", "");
        List<String> statements = List.of(
                "SELECT abalance FROM pgbench_accounts WHERE aid = $1",
                "UPDATE pgbench_accounts SET abalance = abalance + $1 WHERE aid = $2",
                "INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES ($1, $2, $3, $4, CURRENT_TIMESTAMP)");
        try (SqlAnalyzer analyzer = new SqlAnalyzer(SqlLimits.defaults())) {
            for (String sql : statements) {
                StatementShape shape =
                        ((Understood) analyzer.analyzeNow(sql)).statements().getFirst();
                StatementFacts facts = StatementFacts.of(shape, "extended", true, agent);
                for (int round = 0; round < 5; round++) {
                    long start = System.nanoTime();
                    int allowed = 0;
                    for (int i = 0; i < N; i++) {
                        if (Decide.decide(facts, policies).severity() == 0) {
                            allowed++;
                        }
                    }
                    System.out.printf(
                            "%s round %d: %.0f ns per verdict (%d rules, %d allowed)%n",
                            shape.command(),
                            round,
                            (System.nanoTime() - start) / (double) N,
                            baseline.rules().size(),
                            allowed);
                }
            }
        }
    }
}
