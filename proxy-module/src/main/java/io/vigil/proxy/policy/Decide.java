package io.vigil.proxy.policy;

import dev.cel.runtime.CelEvaluationException;
import java.util.List;
import java.util.Map;

/**
 * The verdict on one statement: a pure function of its facts and the policies that apply. Within a
 * policy, the first rule that matches decides; across policies, the most severe verdict wins. Fails
 * closed: a rule that cannot be evaluated denies, saying which; no policy at all denies.
 */
public final class Decide {

    private Decide() {}

    public static Verdict decide(StatementFacts facts, List<Policy> policies) {
        if (policies.isEmpty()) {
            return new Verdict.Deny("none", 0, "no-policy", "no policy applies to this agent's target");
        }
        Map<String, Object> variables = facts.variables();
        Verdict verdict = null;
        for (Policy policy : policies) {
            Verdict v = decide(variables, policy);
            verdict = verdict == null ? v : Verdict.mostSevere(verdict, v);
        }
        return verdict;
    }

    private static Verdict decide(Map<String, Object> variables, Policy policy) {
        for (Policy.Compiled compiled : policy.rules()) {
            Rule rule = compiled.rule();
            Object matched;
            try {
                matched = compiled.program().eval(variables);
            } catch (CelEvaluationException | RuntimeException e) {
                return new Verdict.Deny(
                        policy.name(),
                        policy.version(),
                        rule.name(),
                        "the rule could not be evaluated (" + e.getMessage() + "): denied, as Vigil fails closed");
            }
            if (Boolean.TRUE.equals(matched)) {
                return switch (rule.effect()) {
                    case ALLOW -> new Verdict.Allow(policy.name(), policy.version());
                    case REVIEW -> new Verdict.Review(policy.name(), policy.version(), rule.name(), rule.message());
                    case DENY -> new Verdict.Deny(policy.name(), policy.version(), rule.name(), rule.message());
                };
            }
        }
        return new Verdict.Allow(policy.name(), policy.version());
    }
}
