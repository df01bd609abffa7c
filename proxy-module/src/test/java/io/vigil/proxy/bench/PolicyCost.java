package io.vigil.proxy.bench;

import io.vigil.proxy.policy.AgentFacts;
import io.vigil.proxy.policy.Decide;
import io.vigil.proxy.policy.Policies;
import io.vigil.proxy.policy.Policy;
import io.vigil.proxy.policy.PolicyDocument;
import io.vigil.proxy.policy.PolicyStore;
import io.vigil.proxy.policy.SessionJudge;
import io.vigil.proxy.policy.StatementFacts;
import io.vigil.proxy.sql.SqlAnalysis.Understood;
import io.vigil.proxy.sql.SqlAnalyzer;
import io.vigil.proxy.sql.SqlLimits;
import io.vigil.proxy.sql.StatementShape;
import java.util.List;
import java.util.UUID;

/**
 * What a verdict costs: {@link Decide#decide} for pgbench's statements under the baseline preset's
 * full rule set (an allowed statement is the dearest case: every rule is evaluated), and what a
 * session's judge costs for a statement whose facts it has judged before (the usual case: a
 * session repeats its statements). Issue 18 allows 3 µs (median).
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
        UUID target = UUID.randomUUID();
        Policies live = new Policies(new PolicyStore() {
            @Override
            public long epoch() {
                return 1;
            }

            @Override
            public List<Stored> load() {
                return List.of(new Stored(
                        "baseline",
                        1,
                        baseline.json(),
                        List.of(new Attachment(target, List.of(), List.of(), List.of()))));
            }

            @Override
            public List<String> installPresets() {
                return List.of();
            }
        });
        live.refresh();
        SessionJudge judge = new SessionJudge(live, target, agent, () -> true, java.time.InstantSource.system());
        try (SqlAnalyzer analyzer = new SqlAnalyzer(SqlLimits.defaults())) {
            for (String sql : statements) {
                StatementShape shape =
                        ((Understood) analyzer.analyzeNow(sql)).statements().getFirst();
                StatementFacts facts = StatementFacts.of(shape, "extended", true, agent, null);
                for (int round = 0; round < 5; round++) {
                    long start = System.nanoTime();
                    int allowed = 0;
                    for (int i = 0; i < N; i++) {
                        if (Decide.decide(facts, policies).severity() == 0) {
                            allowed++;
                        }
                    }
                    long evaluated = System.nanoTime();
                    for (int i = 0; i < N; i++) {
                        if (judge.judge(shape, "extended").severity() == 0) {
                            allowed++;
                        }
                    }
                    System.out.printf(
                            "%s round %d: %.0f ns evaluated, %.0f ns as a session judges it again (%d rules, %d"
                                    + " allowed)%n",
                            shape.command(),
                            round,
                            (evaluated - start) / (double) N,
                            (System.nanoTime() - evaluated) / (double) N,
                            baseline.rules().size(),
                            allowed);
                }
            }
        }
    }
}
