package io.vigil.proxy.policy;

import dev.cel.common.CelValidationException;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerBuilder;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A policy at one version, its rules compiled once (a CEL program per rule, checked to be a
 * boolean over {@link StatementFacts#VARIABLES}): what {@link Decide} evaluates for every statement.
 * Thread-safe and immutable.
 */
public final class Policy {

    private static final CelCompiler COMPILER = compiler();
    private static final CelRuntime RUNTIME =
            CelRuntimeFactory.standardCelRuntimeBuilder().build();

    /**
     * A rule and its program; {@code fast} evaluates it in Java with the same meaning, null if the
     * rule is outside {@link NativeRule}'s subset.
     */
    record Compiled(Rule rule, CelRuntime.Program program, java.util.function.Predicate<StatementFacts> fast) {}

    private final String name;
    private final long version;
    private final List<Compiled> rules;
    /** The cap rules, apart: they decide nothing, and every one that matches counts. */
    private final List<Compiled> caps;
    /**
     * All rules as one program: the index of the first that matches, -1 if none. One evaluation
     * instead of one per rule; if it fails, the rules are evaluated one by one to name the culprit.
     */
    private final CelRuntime.Program first;

    /** Whether some rule is evaluated in Java: then rules go one by one, not as one program. */
    boolean anyFast() {
        return anyFast;
    }

    private final boolean anyFast;

    /** Whether some rule reads the time: then its verdicts are not kept (see {@link SessionJudge}). */
    boolean readsTime() {
        return readsTime;
    }

    private final boolean readsTime;

    /** Whether this policy only observes: what it would deny or hold is recorded, nothing stopped. */
    public boolean observing() {
        return observing;
    }

    private final boolean observing;

    /** This policy, observing (or enforcing): a version's mode is the store's, not the document's. */
    Policy observing(boolean observe) {
        return observe == observing ? this : new Policy(name, version, rules, caps, first, readsTime, observe);
    }

    /** This policy's allow, made once: most statements get it. */
    private final Verdict.Allow allowed;

    private Policy(
            String name,
            long version,
            List<Compiled> rules,
            List<Compiled> caps,
            CelRuntime.Program first,
            boolean readsTime,
            boolean observing) {
        this.name = name;
        this.version = version;
        this.observing = observing;
        this.allowed = new Verdict.Allow(name + " v" + version + (observing ? " (observe)" : ""));
        this.rules = List.copyOf(rules);
        this.caps = List.copyOf(caps);
        this.anyFast = rules.stream().anyMatch(r -> r.fast() != null);
        this.first = first;
        this.readsTime = readsTime;
    }

    /**
     * Compiles {@code rules} in order.
     *
     * @throws InvalidPolicy naming the rule whose expression does not compile or is not a boolean
     */
    public static Policy compile(String name, long version, List<Rule> rules) throws InvalidPolicy {
        List<Compiled> deciding = new ArrayList<>(rules.size());
        List<Compiled> caps = new ArrayList<>();
        boolean readsTime = false;
        for (Rule rule : rules) {
            try {
                var ast = COMPILER.compile(rule.when()).getAst();
                if (!ast.getResultType().equals(SimpleType.BOOL)) {
                    throw new InvalidPolicy(
                            name,
                            rule.name(),
                            "is not true or false but " + ast.getResultType().name());
                }
                Compiled compiled = new Compiled(rule, RUNTIME.createProgram(ast), NativeRule.of(ast.getExpr()));
                (rule.effect() == Rule.Effect.CAP ? caps : deciding).add(compiled);
                readsTime |= ast.getReferenceMap().values().stream()
                        .anyMatch(reference -> reference.name().equals(StatementFacts.NOW));
            } catch (CelValidationException | CelEvaluationException e) {
                throw new InvalidPolicy(name, rule.name(), e.getMessage());
            }
        }
        StringBuilder chain = new StringBuilder();
        for (int i = 0; i < deciding.size(); i++) {
            chain.append('(')
                    .append(deciding.get(i).rule().when())
                    .append(") ? ")
                    .append(i)
                    .append(" : ");
        }
        chain.append("-1");
        try {
            return new Policy(
                    name,
                    version,
                    deciding,
                    caps,
                    RUNTIME.createProgram(COMPILER.compile(chain.toString()).getAst()),
                    readsTime,
                    false);
        } catch (CelValidationException | CelEvaluationException e) {
            throw new InvalidPolicy(name, "(all)", e.getMessage());
        }
    }

    /**
     * A policy that denies every statement with {@code why}: what stands in for one that cannot be
     * loaded.
     */
    static Policy broken(String name, long version, String rule, String why) {
        try {
            return compile(name, version, List.of(new Rule(rule, Rule.Effect.DENY, "true", why)));
        } catch (InvalidPolicy e) {
            throw new IllegalStateException(e);
        }
    }

    Verdict.Allow allowed() {
        return allowed;
    }

    CelRuntime.Program first() {
        return first;
    }

    public String name() {
        return name;
    }

    public long version() {
        return version;
    }

    /** The rules that decide, in order (not the caps). */
    List<Compiled> rules() {
        return rules;
    }

    List<Compiled> caps() {
        return caps;
    }

    private static CelCompiler compiler() {
        // exists, all, exists_one, map, filter, has: bounded by the lists they range over.
        CelCompilerBuilder builder =
                CelCompilerFactory.standardCelCompilerBuilder().setStandardMacros(CelStandardMacro.STANDARD_MACROS);
        for (Map.Entry<String, dev.cel.common.types.CelType> v : StatementFacts.VARIABLES.entrySet()) {
            builder.addVar(v.getKey(), v.getValue());
        }
        return builder.build();
    }

    /** A rule that cannot be compiled: the policy is not loaded (statements under it are denied). */
    public static final class InvalidPolicy extends Exception {
        private static final long serialVersionUID = 1L;

        InvalidPolicy(String policy, String rule, String why) {
            super("policy '" + policy + "', rule '" + rule + "': " + why);
        }
    }
}
