package io.vigil.proxy.policy;

/**
 * One rule of a policy: when its CEL expression over a statement's facts is true, the statement
 * gets its effect.
 *
 * @param name how denials name it ("no-unbounded-delete")
 * @param effect what a match does
 * @param when a CEL expression over {@link StatementFacts#VARIABLES}, true or false
 * @param message what the agent is told, after the policy's and the rule's names
 * @param rows for {@link Effect#CAP}, the most rows a statement it matches may change; else 0
 */
public record Rule(String name, Effect effect, String when, String message, long rows) {

    public Rule {
        if ((effect == Effect.CAP) != (rows > 0)) {
            throw new IllegalArgumentException("rule '" + name + "': a cap, and only a cap, has a positive row count");
        }
    }

    /** A rule that allows, holds for review or denies. */
    public Rule(String name, Effect effect, String when, String message) {
        this(name, effect, when, message, 0);
    }

    /** A cap on the rows the statements {@code when} matches may change. */
    public static Rule cap(String name, String when, long rows, String message) {
        return new Rule(name, Effect.CAP, when, message, rows);
    }

    public enum Effect {
        ALLOW,
        REVIEW,
        DENY,
        /**
         * Not a decision: the statements it matches run, if the other rules let them, with their
         * changed rows capped (see {@link RowCap}). Every matching cap counts, wherever it stands.
         */
        CAP
    }
}
