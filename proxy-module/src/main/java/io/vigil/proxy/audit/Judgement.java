package io.vigil.proxy.audit;

import java.util.Locale;

/**
 * What policy said of a statement, as the trail keeps it: allowed statements name the policy
 * versions they were judged by; stopped ones the policy and rule that stopped them (the reason is
 * the outcome's message).
 *
 * @param policies {@code baseline v3}, or several joined with {@code , } when several applied
 * @param rule the rule that stopped it; null if it was allowed
 * @param observed what a policy in observe mode would have done to a statement that ran, when that
 *     was to stop it; null otherwise
 */
public record Judgement(Effect effect, String policies, String rule, Observation observed) {

    public Judgement(Effect effect, String policies, String rule) {
        this(effect, policies, rule, null);
    }

    /**
     * A verdict an observing policy reached and did not enforce.
     *
     * @param effect review or deny
     * @param policy the policy and its version, {@code strict v2}
     */
    public record Observation(Effect effect, String policy, String rule) {}

    public enum Effect {
        ALLOW,
        REVIEW,
        DENY;

        // Computed once: written for every statement, on the event loops and by the shipper.
        private final String label = name().toLowerCase(Locale.ROOT);

        public String label() {
            return label;
        }

        public static Effect ofLabel(String label) {
            return valueOf(label.toUpperCase(Locale.ROOT));
        }
    }
}
