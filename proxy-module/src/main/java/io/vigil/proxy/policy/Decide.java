package io.vigil.proxy.policy;

import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelVariableResolver;
import io.vigil.proxy.sql.Trait;
import java.util.List;
import java.util.Set;

/**
 * The verdict on one statement: a pure function of its facts and the policies that apply. Within a
 * policy, the first rule that matches decides; across enforcing policies, the most severe verdict
 * wins. A policy in observe mode stops nothing: when it would have, its verdict goes with the allow
 * (the most severe of several). Fails closed: a rule that cannot be evaluated denies, saying which; no
 * enforcing policy at all denies (observing ones grant nothing).
 *
 * <p>Cap rules decide nothing: an allowed statement that changes rows gets the tightest cap that
 * matches it (across enforcing policies too). One whose changed rows PostgreSQL does not count (a
 * data-modifying WITH, COPY FROM, TRUNCATE, EXPLAIN ANALYZE) cannot be capped: it is held for review.
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
        RowCap cap = null;
        for (Policy policy : policies) {
            Verdict v = decide(facts, variables, policy);
            if (!policy.observing()) {
                verdict = verdict == null ? v : Verdict.mostSevere(verdict, v);
                cap = v instanceof Verdict.Allow a ? RowCap.tighter(cap, a.cap()) : cap;
            } else if (!(v instanceof Verdict.Allow)) {
                observed = observed == null ? v : Verdict.mostSevere(observed, v);
            }
        }
        if (verdict != null && !(verdict instanceof Verdict.Allow)) {
            return verdict;
        }
        Verdict.Allow allowed = policies.size() == 1 ? policies.getFirst().allowed() : allowedByAll(policies);
        return observed == null && cap == null ? allowed : new Verdict.Allow(allowed.policies(), observed, cap);
    }

    private static Verdict.Allow allowedByAll(List<Policy> policies) {
        StringBuilder names = new StringBuilder();
        for (Policy policy : policies) {
            names.append(names.isEmpty() ? "" : ", ").append(policy.allowed().policies());
        }
        return new Verdict.Allow(names.toString());
    }

    private static Verdict decide(StatementFacts facts, CelVariableResolver variables, Policy policy) {
        Verdict decided = firstMatch(facts, variables, policy);
        return decided instanceof Verdict.Allow && !policy.caps().isEmpty()
                ? capped(facts, variables, policy)
                : decided;
    }

    private static Verdict firstMatch(StatementFacts facts, CelVariableResolver variables, Policy policy) {
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

    /** The commands whose count of changed rows PostgreSQL reports (EXECUTE: of one of the others). */
    private static final Set<String> COUNTED =
            Set.of("InsertStmt", "UpdateStmt", "DeleteStmt", "MergeStmt", "ExecuteStmt");

    /** An allowed statement under the policy's caps: the tightest that matches, if it can be counted. */
    private static Verdict capped(StatementFacts facts, CelVariableResolver variables, Policy policy) {
        RowCap cap = null;
        for (Policy.Compiled compiled : policy.caps()) {
            Rule rule = compiled.rule();
            try {
                if (matches(compiled, facts, variables)) {
                    cap = RowCap.tighter(
                            cap, new RowCap(policy.name(), policy.version(), rule.name(), rule.rows(), rule.message()));
                }
            } catch (CelEvaluationException | RuntimeException e) {
                return cannotEvaluate(policy, rule, e);
            }
        }
        if (cap == null || !facts.kind().equals("write")) {
            return policy.allowed(); // reads, DDL and the like change no rows to count
        }
        if (!COUNTED.contains(facts.command()) || facts.traits().contains(Trait.WRITES_IN_CTE.label())) {
            return cap.review("it changes rows PostgreSQL does not count for it (a data-modifying WITH, COPY FROM,"
                    + " TRUNCATE, EXPLAIN ANALYZE and the like), so they cannot be capped");
        }
        return new Verdict.Allow(policy.allowed().policies(), null, cap);
    }

    private static Verdict effect(Policy policy, Rule rule) {
        return switch (rule.effect()) {
            case ALLOW -> policy.allowed();
            case REVIEW ->
                new Verdict.Review(policy.name(), policy.version(), rule.name(), rule.message(), rule.approval());
            case DENY -> new Verdict.Deny(policy.name(), policy.version(), rule.name(), rule.message());
            case CAP -> throw new IllegalArgumentException("a cap decides nothing: " + rule.name());
        };
    }

    private static Verdict oneByOne(StatementFacts facts, CelVariableResolver variables, Policy policy) {
        for (Policy.Compiled compiled : policy.rules()) {
            Rule rule = compiled.rule();
            boolean matched;
            try {
                matched = matches(compiled, facts, variables);
            } catch (CelEvaluationException | RuntimeException e) {
                return cannotEvaluate(policy, rule, e);
            }
            if (matched) {
                return effect(policy, rule);
            }
        }
        return policy.allowed();
    }

    private static boolean matches(Policy.Compiled compiled, StatementFacts facts, CelVariableResolver variables)
            throws CelEvaluationException {
        Object matched = compiled.fast() != null
                ? compiled.fast().test(facts)
                : compiled.program().eval(variables);
        return Boolean.TRUE.equals(matched);
    }

    private static Verdict cannotEvaluate(Policy policy, Rule rule, Exception e) {
        return new Verdict.Deny(
                policy.name(),
                policy.version(),
                rule.name(),
                "the rule could not be evaluated (" + e.getMessage() + "): denied, as Vigil fails closed");
    }
}
