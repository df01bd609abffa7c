package io.vigil.proxy.policy;

import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelVariableResolver;
import java.util.List;

/**
 * The verdict on one statement: a pure function of its facts and the policies that apply. Within a
 * policy, the first rule that matches decides; across enforcing policies, the most severe verdict
 * wins. A policy in observe mode stops nothing: when it would have, its verdict goes with the allow
 * (the most severe of several). Fails closed: a rule that cannot be evaluated denies, saying which; no
 * enforcing policy at all denies (observing ones grant nothing).
 */
public final class Decide {

    /** The policy a denial names when no policy applies at all. */
    static final String NO_POLICY = "none";

    private Decide() {}

    public static Verdict decide(StatementFacts facts, List<Policy> policies) {
        // Observe mode is neutral: only an enforcing policy lets a statement run.
        if (policies.stream().allMatch(Policy::observing)) {
            return new Verdict.Deny(
                    NO_POLICY,
                    0,
                    "no-policy",
                    "no enforcing policy applies to this agent on its target, so nothing it sends runs");
        }
        CelVariableResolver variables = facts.resolver();
        if (policies.size() == 1 && !policies.getFirst().observing()) {
            return decide(facts, variables, policies.getFirst());
        }
        Verdict verdict = null;
        Verdict observed = null;
        for (Policy policy : policies) {
            Verdict v = decide(facts, variables, policy);
            if (!policy.observing()) {
                verdict = verdict == null ? v : Verdict.mostSevere(verdict, v);
            } else if (!(v instanceof Verdict.Allow)) {
                observed = observed == null ? v : Verdict.mostSevere(observed, v);
            }
        }
        if (verdict != null && !(verdict instanceof Verdict.Allow)) {
            return verdict;
        }
        Verdict.Allow allowed = policies.size() == 1 ? policies.getFirst().allowed() : allowedByAll(policies);
        return observed == null ? allowed : new Verdict.Allow(allowed.policies(), observed);
    }

    private static Verdict.Allow allowedByAll(List<Policy> policies) {
        StringBuilder names = new StringBuilder();
        for (Policy policy : policies) {
            names.append(names.isEmpty() ? "" : ", ").append(policy.allowed().policies());
        }
        return new Verdict.Allow(names.toString());
    }

    private static Verdict decide(StatementFacts facts, CelVariableResolver variables, Policy policy) {
        if (policy.anyFast()) {
            return oneByOne(facts, variables, policy);
        }
        int first;
        try {
            first = ((Number) policy.first().eval(variables)).intValue();
        } catch (CelEvaluationException | RuntimeException e) {
            return oneByOne(facts, variables, policy); // names the rule that fails
        }
        return first < 0
                ? policy.allowed()
                : effect(policy, policy.rules().get(first).rule());
    }

    private static Verdict effect(Policy policy, Rule rule) {
        return switch (rule.effect()) {
            case ALLOW -> policy.allowed();
            case REVIEW -> new Verdict.Review(policy.name(), policy.version(), rule.name(), rule.message());
            case DENY -> new Verdict.Deny(policy.name(), policy.version(), rule.name(), rule.message());
        };
    }

    private static Verdict oneByOne(StatementFacts facts, CelVariableResolver variables, Policy policy) {
        for (Policy.Compiled compiled : policy.rules()) {
            Rule rule = compiled.rule();
            Object matched;
            try {
                matched = compiled.fast() != null
                        ? compiled.fast().test(facts)
                        : compiled.program().eval(variables);
            } catch (CelEvaluationException | RuntimeException e) {
                return new Verdict.Deny(
                        policy.name(),
                        policy.version(),
                        rule.name(),
                        "the rule could not be evaluated (" + e.getMessage() + "): denied, as Vigil fails closed");
            }
            if (Boolean.TRUE.equals(matched)) {
                return effect(policy, rule);
            }
        }
        return policy.allowed();
    }
}
