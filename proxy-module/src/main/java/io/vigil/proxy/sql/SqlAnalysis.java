package io.vigil.proxy.sql;

import java.util.List;

/** What the gateway knows about a piece of SQL before it forwards it. */
public sealed interface SqlAnalysis {

    /** Parsed: one shape per statement, in order (none for an empty query). */
    record Understood(List<StatementShape> statements) implements SqlAnalysis {
        public Understood {
            statements = List.copyOf(statements);
        }
    }

    /**
     * Not understood, so not forwarded: a syntax error, or input the gateway will not parse (too
     * large, too deeply nested, a NUL, a setting that would change how SQL is read).
     *
     * @param position 1-based character position of the error in the text, 0 if none
     * @param recordedText what the trail keeps of the text (its secrets redacted), null if Vigil
     *     refused it without reading it: then only its length is kept
     */
    record Refused(String sqlState, String message, int position, String recordedText) implements SqlAnalysis {

        /** A refusal of text Vigil did not read. */
        public Refused(String sqlState, String message, int position) {
            this(sqlState, message, position, null);
        }

        /** What the trail keeps of {@code sql}, the text this refuses. */
        public String recorded(String sql) {
            return recordedText != null ? recordedText : Redaction.unread(sql);
        }
    }
}
