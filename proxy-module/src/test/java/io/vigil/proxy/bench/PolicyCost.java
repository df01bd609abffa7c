package io.vigil.proxy.bench;

import io.vigil.proxy.policy.Decide;
import io.vigil.proxy.policy.Policy;
import io.vigil.proxy.policy.Rule;
import io.vigil.proxy.policy.Rule.Effect;
import io.vigil.proxy.policy.StatementFacts;
import java.util.ArrayList;
import java.util.List;

/**
 * What a verdict costs: {@link Decide#decide} for pgbench's select under a policy of 12 rules, none
 * of which matches (the usual case, and the dearest: every rule is evaluated). Issue 18 allows 3 µs.
 *
 * <pre>java -cp ... io.vigil.proxy.bench.PolicyCost</pre>
 */
public final class PolicyCost {

    private static final int N = 1_000_000;

    public static void main(String[] args) throws Exception {
        List<Rule> rules = new ArrayList<>();
        for (String command :
                List.of("DropStmt", "TruncateStmt", "AlterSystemStmt", "LoadStmt", "CreateExtensionStmt")) {
            rules.add(new Rule("no-" + command, Effect.DENY, "command == '" + command + "'", ""));
        }
        rules.add(new Rule("no-privilege", Effect.DENY, "kind == 'privilege'", ""));
        rules.add(new Rule(
                "no-password-catalogs",
                Effect.DENY,
                "reads.exists(r, r in ['pg_catalog.pg_authid', 'pg_catalog.pg_shadow'])",
                ""));
        rules.add(new Rule(
                "no-server-files",
                Effect.DENY,
                "functions.exists(f, f in ['pg_read_file', 'pg_read_binary_file', 'lo_import', 'lo_export'])",
                ""));
        rules.add(new Rule("no-terminate", Effect.DENY, "'pg_terminate_backend' in functions", ""));
        rules.add(new Rule("review-ddl", Effect.REVIEW, "kind == 'ddl'", ""));
        rules.add(new Rule("review-unbounded", Effect.REVIEW, "command == 'UpdateStmt' && !in_transaction", ""));
        rules.add(new Rule("ci-only-migrations", Effect.DENY, "'ci' in tags && kind == 'ddl' && task == ''", ""));
        Policy policy = Policy.compile("baseline-sketch", 1, rules);
        StatementFacts facts = new StatementFacts(
                "read",
                "SelectStmt",
                List.of("public.pgbench_accounts"),
                List.of(),
                List.of(),
                false,
                "extended",
                "bench",
                List.of("load"),
                "owner",
                "",
                "",
                List.of());
        List<Policy> policies = List.of(policy);
        for (int round = 0; round < 6; round++) {
            long start = System.nanoTime();
            int allowed = 0;
            for (int i = 0; i < N; i++) {
                if (Decide.decide(facts, policies).severity() == 0) {
                    allowed++;
                }
            }
            System.out.printf(
                    "round %d: %.0f ns per verdict (12 rules, %d allowed)%n",
                    round, (System.nanoTime() - start) / (double) N, allowed);
        }
    }
}
