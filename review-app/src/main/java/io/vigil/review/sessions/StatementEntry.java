package io.vigil.review.sessions;

import io.vigil.review.ui.RelationLabels;
import java.time.OffsetDateTime;
import java.util.List;

/**
 * One recorded statement and its outcome. A null {@code durationMicros} means the outcome was never
 * recorded (outcome unknown).
 *
 * @param kind read, write, ddl, privilege, utility or transaction; null if the parser refused it
 * @param parameters the bind parameters as text (an element is null for SQL NULL); null if none
 *     were sent or the target keeps only their hash
 * @param parametersHash SHA-256 of the parameters, for targets that keep only that
 * @param verdict allow, review or deny; null if recorded before guardrails (or refused unread)
 * @param policies the policy versions it was judged by ({@code baseline v3})
 * @param rule the rule that stopped it; null if it ran
 * @param observed what a policy in observe mode would have done to it ({@code would deny: strict
 *     v1, no-deletes}); null if none would have stopped it
 * @param approval what became of its request for a person's approval ({@code approved by ana after
 *     12 s}); null if it needed none
 */
public record StatementEntry(
        long seq,
        OffsetDateTime startedAt,
        Long durationMicros,
        String sql,
        String protocol,
        String kind,
        List<String> reads,
        List<String> writes,
        List<String> functions,
        List<String> parameters,
        String parametersHash,
        String commandTag,
        Long rows,
        String sqlState,
        String errorMessage,
        String verdict,
        String policies,
        String rule,
        String observed,
        String approval) {

    /** {@code would deny: strict v1, no-deletes}; null without an observed verdict. */
    static String observation(String verdict, String policy, String rule) {
        if (verdict == null) {
            return null;
        }
        return (verdict.equals("deny") ? "would deny: " : "would hold for review: ") + policy + ", " + rule;
    }

    /** The outcome, what became of its request for approval, and what an observing policy would have done. */
    public String outcomeText() {
        String text = approval == null ? outcome() : outcome() + " · " + approval;
        return observed == null ? text : text + " (observe mode " + observed + ")";
    }

    /** The same entry with what became of its request for approval. */
    StatementEntry withApproval(String said) {
        return new StatementEntry(
                seq,
                startedAt,
                durationMicros,
                sql,
                protocol,
                kind,
                reads,
                writes,
                functions,
                parameters,
                parametersHash,
                commandTag,
                rows,
                sqlState,
                errorMessage,
                verdict,
                policies,
                rule,
                observed,
                said);
    }

    private static final int SHOWN_PARAMETER_CHARS = 200;

    /** The outcome in a few words: the command tag, the SQLSTATE and message, or unknown. */
    public String outcome() {
        if (sqlState != null) {
            return sqlState + " " + errorMessage;
        }
        if (errorMessage != null) {
            return errorMessage;
        }
        if (durationMicros == null) {
            return "outcome unknown";
        }
        return commandTag;
    }

    /** The parameters as {@code $1='a', $2=NULL}, each cut at 200 characters; or their hash. */
    public String parametersText() {
        if (parameters == null) {
            return parametersHash == null ? "" : "sha256:" + parametersHash;
        }
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < parameters.size(); i++) {
            String value = parameters.get(i);
            text.append(i == 0 ? "" : ", ").append('$').append(i + 1).append('=');
            if (value == null) {
                text.append("NULL");
            } else if (value.length() > SHOWN_PARAMETER_CHARS) {
                text.append('\'')
                        .append(value, 0, SHOWN_PARAMETER_CHARS)
                        .append("…' (")
                        .append(value.length())
                        .append(" chars)");
            } else {
                text.append('\'').append(value).append('\'');
            }
        }
        return text.toString();
    }

    /** What policy said: {@code baseline v3}, {@code denied: baseline v3, no-drop}; empty if not judged. */
    public String policyText() {
        if (verdict == null) {
            return "";
        }
        return switch (verdict) {
            case "deny" -> "denied: " + policies + ", " + rule;
            case "review" -> "held for review: " + policies + ", " + rule;
            default -> observed == null ? policies : policies + "; " + observed;
        };
    }

    /** Relations read and written, as {@code reads → writes}. */
    public String relationsText() {
        String read = RelationLabels.labels(reads);
        String written = RelationLabels.labels(writes);
        if (written.isEmpty()) {
            return read;
        }
        return read.isEmpty() ? "→ " + written : read + " → " + written;
    }
}
