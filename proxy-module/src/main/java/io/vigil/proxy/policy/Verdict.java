package io.vigil.proxy.policy;

/**
 * What policy says of one statement. The most severe of several verdicts wins: {@link Deny} over
 * {@link Review} over {@link Allow}.
 */
public sealed interface Verdict {

    /** 0 for allow, 1 for review, 2 for deny. */
    int severity();

    /**
     * Runs: every policy that applies allowed it (its rules matched nothing, or a rule allowed it).
     *
     * @param policies those policies and their versions, {@code baseline v3, strict v1 (observe)}
     * @param observed what a policy in observe mode would have done instead, when that was to stop
     *     it (a {@link Review} or {@link Deny} that is not enforced); null otherwise
     * @param cap the most rows it may change (the tightest of the enforcing policies' caps), null if
     *     none applies
     */
    record Allow(String policies, Verdict observed, RowCap cap) implements Verdict {
        public Allow(String policies) {
            this(policies, null, null);
        }

        public Allow(String policies, Verdict observed) {
            this(policies, observed, null);
        }

        @Override
        public int severity() {
            return 0;
        }
    }

    /**
     * Waits for a person's approval: in the session, when it is sent on its own outside a
     * transaction and approvals are on; else refused, saying so.
     */
    record Review(String policy, long version, String rule, String message, ApprovalTerms terms) implements Verdict {

        public Review(String policy, long version, String rule, String message) {
            this(policy, version, rule, message, ApprovalTerms.DEFAULT);
        }

        @Override
        public int severity() {
            return 1;
        }

        /** The same review on other terms. */
        public Review withTerms(ApprovalTerms other) {
            return other.equals(terms) ? this : new Review(policy, version, rule, message, other);
        }

        /** What the agent is told when it does not run: {@code why not} it waited for a person. */
        public String notRun(String whyNot) {
            return "needs a person's approval under Vigil policy '" + policy + "', rule '" + rule + "': " + message
                    + " (not run: " + whyNot + ")";
        }
    }

    /** Refused before it runs. */
    record Deny(String policy, long version, String rule, String message) implements Verdict {
        @Override
        public int severity() {
            return 2;
        }
    }

    /** What the agent is told of a verdict that stops its statement; null for {@link Allow}. */
    default String explanation() {
        return switch (this) {
            case Allow a -> null;
            case Deny d when d.policy().equals(Decide.NO_POLICY) -> "denied by Vigil: " + d.message();
            case Deny d -> "denied by Vigil policy '" + d.policy() + "', rule '" + d.rule() + "': " + d.message();
            case Review r -> r.notRun("only a statement sent on its own, outside a transaction, can wait for a person");
        };
    }

    /** The more severe of two verdicts; the first on a tie. */
    static Verdict mostSevere(Verdict a, Verdict b) {
        if (a instanceof Review first && b instanceof Review second) {
            // Both ask for a person: the first names the rule, on the stricter terms of the two.
            return first.withTerms(ApprovalTerms.strictest(first.terms(), second.terms()));
        }
        return b.severity() > a.severity() ? b : a;
    }
}
