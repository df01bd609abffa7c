package io.vigil.proxy.sql;

/**
 * A statement's text with its literals' values taken out: {@code select * from t where id = 41}
 * and {@code ... id = 42} have one key. Two texts with one key differ only inside literals, so
 * PostgreSQL's scanner cuts both into the same tokens, and its parser builds the same tree with
 * other constants: the analyzer answers the second from the first without parsing (an agent or a
 * client library that inlines its values sends a new text every time; pgbench -M simple does).
 *
 * <p>That holds only where this scanner and PostgreSQL's agree on every token boundary, so a key is
 * made only for texts of plain tokens, and anything that could lex differently gives none: comments,
 * dollar quotes, {@code E''} {@code U&''} {@code B''} {@code X''} {@code N''} strings and any quote
 * right after a name or a digit, backslashes (their meaning in a string hangs on
 * {@code standard_conforming_strings}), non-ASCII outside literals and quoted names, control
 * characters, {@code .5}, {@code 1..2}, and numbers with anything glued behind them.
 *
 * <p>Integers that fit in 32 bits and other numbers get different marks: PostgreSQL makes the
 * first an integer node and the second a numeric one, and its grammar takes only the first in
 * places such as {@code varchar(n)}. Two places where the grammar turns a number into part of a
 * type rather than a constant get no key: {@code float(p)} (float4 or float8 by p) and array bounds
 * ({@code int[5]}, told from a subscript only by parsing, so no number right after {@code [}).
 */
final class ShapeKey {

    static final int MAX_LENGTH = 4 << 10;
    /** Stands for a literal in a key; never part of a text that has a key. */
    private static final char LITERAL = '\u0001';

    private ShapeKey() {}

    /** @return the key, or null if {@code sql} is not made only of plain tokens (or is long) */
    static String of(String sql) {
        int length = sql.length();
        if (length > MAX_LENGTH) {
            return null;
        }
        StringBuilder key = new StringBuilder(length);
        int i = 0;
        while (i < length) {
            char c = sql.charAt(i);
            int next;
            if (c == '\'') {
                next = string(sql, i);
                key.append(LITERAL).append('s');
            } else if (isDigit(c)) {
                next = number(sql, i, key);
            } else if (isNameStart(c)) {
                next = name(sql, i);
                if (isFloatWithPrecision(sql, i, next)) {
                    return null;
                }
                key.append(sql, i, next);
            } else if (c == '"') {
                next = quotedName(sql, i);
                key.append(sql, i, Math.max(next, i));
            } else if (c == '$') {
                next = parameter(sql, i);
                key.append(sql, i, Math.max(next, i));
            } else if (isPlain(sql, i)) {
                next = i + 1;
                key.append(c);
            } else {
                return null;
            }
            if (next < 0) {
                return null;
            }
            i = next;
        }
        return key.toString();
    }

    /** A standard string from its opening quote; {@code ''} inside is a quote. */
    private static int string(String sql, int start) {
        if (start > 0 && gluedBefore(sql.charAt(start - 1))) {
            return -1; // E'', U&'', B'', X'', N'', or a name or number glued to a string
        }
        for (int i = start + 1; i < sql.length(); i++) {
            char c = sql.charAt(i);
            if (c == '\\') {
                return -1;
            }
            if (c == '\'') {
                if (i + 1 < sql.length() && sql.charAt(i + 1) == '\'') {
                    i++;
                } else {
                    return i + 1;
                }
            }
        }
        return -1; // unterminated
    }

    /** An unsigned number, marked as a 32-bit integer or as another number. */
    private static int number(String sql, int start, StringBuilder key) {
        if (afterBracket(sql, start)) {
            return -1; // int[5]: an array bound, not a constant
        }
        int length = sql.length();
        int i = digits(sql, start);
        boolean integer = true;
        if (i < length && sql.charAt(i) == '.') {
            if (i + 1 < length && sql.charAt(i + 1) == '.') {
                return -1; // 1..2 lexes as an integer and "..", a corner not worth matching
            }
            integer = false;
            i = digits(sql, i + 1);
        }
        if (i < length && (sql.charAt(i) == 'e' || sql.charAt(i) == 'E')) {
            integer = false;
            i++;
            if (i < length && (sql.charAt(i) == '+' || sql.charAt(i) == '-')) {
                i++;
            }
            if (i >= length || !isDigit(sql.charAt(i))) {
                return -1;
            }
            i = digits(sql, i);
        }
        if (i < length && (isNamePart(sql.charAt(i)) || sql.charAt(i) == '.' || sql.charAt(i) == '\'')) {
            return -1; // trailing junk (PostgreSQL 15 refuses it), 1.2.3, 0x1F, 1_000
        }
        key.append(LITERAL).append(integer && fitsInInt32(sql, start, i) ? 'i' : 'n');
        return i;
    }

    private static boolean afterBracket(String sql, int at) {
        int i = at - 1;
        while (i >= 0 && Character.isWhitespace(sql.charAt(i))) {
            i--;
        }
        return i >= 0 && sql.charAt(i) == '[';
    }

    /** {@code float(p)}: the precision picks the type. */
    private static boolean isFloatWithPrecision(String sql, int start, int end) {
        if (end - start != 5 || !sql.regionMatches(true, start, "float", 0, 5)) {
            return false;
        }
        int i = end;
        while (i < sql.length() && Character.isWhitespace(sql.charAt(i))) {
            i++;
        }
        return i < sql.length() && sql.charAt(i) == '(';
    }

    private static int digits(String sql, int from) {
        int i = from;
        while (i < sql.length() && isDigit(sql.charAt(i))) {
            i++;
        }
        return i;
    }

    private static boolean fitsInInt32(String sql, int from, int to) {
        int i = from;
        while (i < to - 1 && sql.charAt(i) == '0') {
            i++;
        }
        return to - i < 10 || (to - i == 10 && sql.substring(i, to).compareTo("2147483647") <= 0);
    }

    private static int name(String sql, int start) {
        int i = start + 1;
        while (i < sql.length() && isNamePart(sql.charAt(i))) {
            i++;
        }
        return i;
    }

    /** A double-quoted name, kept whole in the key; {@code ""} inside is a quote. */
    private static int quotedName(String sql, int start) {
        if (start > 0 && gluedBefore(sql.charAt(start - 1))) {
            return -1; // U&"name"
        }
        for (int i = start + 1; i < sql.length(); i++) {
            if (sql.charAt(i) == '"') {
                if (i + 1 < sql.length() && sql.charAt(i + 1) == '"') {
                    i++;
                } else {
                    return i + 1;
                }
            }
        }
        return -1;
    }

    /** {@code $1}: part of the shape. Any other dollar (a dollar quote) has no key. */
    private static int parameter(String sql, int start) {
        int i = digits(sql, start + 1);
        if (i == start + 1 || (i < sql.length() && isNamePart(sql.charAt(i)))) {
            return -1;
        }
        return i;
    }

    /** Whitespace, operators and punctuation that start no comment. */
    private static boolean isPlain(String sql, int i) {
        char c = sql.charAt(i);
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
            return true;
        }
        if (c < 0x21 || c > 0x7e || c == '\\' || c == '`') {
            return false;
        }
        boolean next = i + 1 < sql.length();
        if (c == '-' && next && sql.charAt(i + 1) == '-') {
            return false;
        }
        if (c == '/' && next && sql.charAt(i + 1) == '*') {
            return false;
        }
        return c != '.' || !next || !isDigit(sql.charAt(i + 1)); // .5
    }

    private static boolean gluedBefore(char c) {
        return isNamePart(c) || c == '&' || c == '\'' || c == '"';
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isNameStart(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    }

    private static boolean isNamePart(char c) {
        return isNameStart(c) || isDigit(c) || c == '$';
    }
}
