package io.vigil.proxy.policy;

import java.util.Locale;

/**
 * The most rows one statement may change, and the rule that says so. The gateway runs a capped
 * statement so that it can still be undone when PostgreSQL reports its count, and undoes it above
 * the cap. The count is the statement's own rows: rows changed by cascades, triggers and rules are
 * not in it.
 *
 * @param policy the policy the rule is in
 * @param version its version
 * @param rule the cap rule
 * @param rows the most rows allowed
 * @param message the rule's own message
 */
public record RowCap(String policy, long version, String rule, long rows, String message) {

    /** What follows every refusal of a capped statement. */
    static final String OWN_ROWS =
            "The count is the statement's own rows: rows changed by cascades, triggers and rules are not in it.";

    /** The tighter of two caps; either may be null. */
    static RowCap tighter(RowCap a, RowCap b) {
        if (a == null) {
            return b;
        }
        return b == null || a.rows <= b.rows ? a : b;
    }

    /** What the agent is told when its statement changed {@code changed} rows, more than the cap. */
    public String exceeded(long changed) {
        return String.format(
                        Locale.ROOT,
                        "the statement would change %,d rows, more than the %,d that %s allows: rolled back, nothing"
                                + " changed",
                        changed,
                        rows,
                        source())
                + suffix();
    }

    /** What the agent is told when the gateway could not count the rows (why: what it could not do). */
    public String uncounted(String why) {
        return "Vigil could not count the rows the statement changed (" + why + "), so the cap of " + rows + " rows "
                + source() + " sets could not be checked: rolled back, nothing changed" + suffix();
    }

    private String source() {
        return "Vigil policy '" + policy + "', rule '" + rule + "'";
    }

    private String suffix() {
        return (message.isBlank() ? "" : " (" + message + ")") + ". " + OWN_ROWS;
    }

    /**
     * What a capped statement sent with others in one simple Query gets instead: they would run
     * before its count is known.
     */
    public Verdict alone() {
        return review("a statement under a row cap runs only in a query of its own, so that its rows can be"
                + " counted before anything after it runs: send it alone");
    }

    /** A statement the cap cannot be applied to: held for a person to decide instead. */
    Verdict review(String why) {
        return new Verdict.Review(policy, version, rule, why + " (the rule caps changed rows at " + rows + ")");
    }
}
