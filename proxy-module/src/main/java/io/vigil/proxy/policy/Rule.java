package io.vigil.proxy.policy;

/**
 * One rule of a policy: when its CEL expression over a statement's facts is true, the statement
 * gets its effect.
 *
 * @param name how denials name it ("no-unbounded-delete")
 * @param effect what a match does
 * @param when a CEL expression over {@link StatementFacts#VARIABLES}, true or false
 * @param message what the agent is told, after the policy's and the rule's names
 */
public record Rule(String name, Effect effect, String when, String message) {

    public enum Effect {
        ALLOW,
        REVIEW,
        DENY
    }
}
