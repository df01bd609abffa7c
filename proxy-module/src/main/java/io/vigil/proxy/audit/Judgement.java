package io.vigil.proxy.audit;

import java.util.Locale;

/**
 * What policy said of a statement, as the trail keeps it: allowed statements name the policy
 * versions they were judged by; stopped ones the policy and rule that stopped them (the reason is
 * the outcome's message).
 *
 * @param policies {@code baseline v3}, or several joined with {@code , } when several applied
 * @param rule the rule that stopped it; null if it was allowed
 */
public record Judgement(Effect effect, String policies, String rule) {

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
