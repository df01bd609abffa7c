package io.vigil.proxy.sql;

import io.vigil.proxy.sql.SqlAnalysis.Refused;
import java.nio.charset.StandardCharsets;

/**
 * Cheap checks that run before the native parser sees a statement. The parser recurses without a
 * stack guard and lexes nested comments in quadratic time, so input it could choke on is refused
 * here, in one linear pass, before any native call.
 */
final class SqlGate {

    static final String CHARACTER_NOT_IN_REPERTOIRE = "22021";
    static final String PROGRAM_LIMIT_EXCEEDED = "54000";
    static final String STATEMENT_TOO_COMPLEX = "54001";

    private SqlGate() {}

    /** What the single pass over the text found. */
    record Measure(int utf8Bytes, int nesting, int commentNesting, boolean hasNul) {}

    static Measure measure(String sql) {
        int depth = 0;
        int maxDepth = 0;
        int comments = 0;
        int maxComments = 0;
        boolean nul = false;
        int length = sql.length();
        for (int i = 0; i < length; i++) {
            char c = sql.charAt(i);
            switch (c) {
                case '(', '[' -> maxDepth = Math.max(maxDepth, ++depth);
                case ')', ']' -> depth = Math.max(0, depth - 1);
                case '/' -> {
                    if (i + 1 < length && sql.charAt(i + 1) == '*') {
                        maxComments = Math.max(maxComments, ++comments);
                        i++;
                    }
                }
                case '*' -> {
                    if (comments > 0 && i + 1 < length && sql.charAt(i + 1) == '/') {
                        comments--;
                        i++;
                    }
                }
                case '\0' -> nul = true;
                default -> {}
            }
        }
        // Counting parentheses inside literals too over-estimates the depth: that errs on the safe side.
        return new Measure(utf8Length(sql), maxDepth, maxComments, nul);
    }

    /** @return why the parser must not see {@code sql}, or null if it may */
    static Refused check(Measure m, SqlLimits limits) {
        if (m.hasNul()) {
            return new Refused(CHARACTER_NOT_IN_REPERTOIRE, "invalid byte sequence for encoding \"UTF8\": 0x00", 0);
        }
        if (m.utf8Bytes() > limits.maxStatementBytes()) {
            return new Refused(
                    PROGRAM_LIMIT_EXCEEDED,
                    "statement of " + m.utf8Bytes() + " bytes exceeds Vigil's limit of " + limits.maxStatementBytes()
                            + " bytes (set by " + SqlLimits.MAX_STATEMENT_SETTING + ")",
                    0);
        }
        if (m.nesting() > limits.maxNesting()) {
            return new Refused(
                    STATEMENT_TOO_COMPLEX,
                    "statement nests " + m.nesting() + " levels deep; Vigil's limit is " + limits.maxNesting(),
                    0);
        }
        if (m.commentNesting() > limits.maxCommentNesting()) {
            return new Refused(
                    STATEMENT_TOO_COMPLEX,
                    "comments nest " + m.commentNesting() + " levels deep; Vigil's limit is "
                            + limits.maxCommentNesting(),
                    0);
        }
        return null;
    }

    static int utf8Length(String s) {
        int bytes = 0;
        int length = s.length();
        for (int i = 0; i < length; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                bytes++;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(s.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }

    static String slice(byte[] utf8, int from, int length) {
        return new String(utf8, from, length, StandardCharsets.UTF_8);
    }
}
