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
 * @param approval for {@link Effect#REVIEW}, how its statements are approved; else null
 */
public record Rule(String name, Effect effect, String when, String message, long rows, ApprovalTerms approval) {

    public Rule {
        if ((effect == Effect.CAP) != (rows > 0)) {
            throw new IllegalArgumentException("rule '" + name + "': a cap, and only a cap, has a positive row count");
        }
        if (effect == Effect.REVIEW && approval == null) {
            approval = ApprovalTerms.DEFAULT;
        } else if (effect != Effect.REVIEW && approval != null) {
            throw new IllegalArgumentException("rule '" + name + "': only a review rule has approval terms");
        }
    }

    /** A rule that allows, holds for review or denies. */
    public Rule(String name, Effect effect, String when, String message) {
        this(name, effect, when, message, 0, null);
    }

    /** A review rule with its terms. */
    public static Rule review(String name, String when, String message, ApprovalTerms approval) {
        return new Rule(name, Effect.REVIEW, when, message, 0, approval);
    }

    /** A cap on the rows the statements {@code when} matches may change. */
    public static Rule cap(String name, String when, long rows, String message) {
        return new Rule(name, Effect.CAP, when, message, rows, null);
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
