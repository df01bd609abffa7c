package io.vigil.proxy.sql;

import java.util.Locale;
import java.util.Set;

/**
 * Settings that change how PostgreSQL lexes SQL, and the values under which Vigil's parser reads it
 * exactly as the server does. Under other values the same bytes could be one statement to the
 * audit and another to the server, so sessions are kept to these: at startup, at SET, and by
 * watching the server's ParameterStatus reports for anything that slipped past (set_config with a
 * computed name, say).
 */
public final class LexingSettings {

    /**
     * Encoding names as PostgreSQL compares them ({@code clean_encoding_name}: letters and digits
     * only, lower-cased, so {@code 'UTF-8'} with its quotes is {@code utf8}). SQL_ASCII lexes exactly
     * like UTF-8; text that is not UTF-8 is refused anyway.
     */
    private static final Set<String> READABLE_ENCODINGS = Set.of("utf8", "unicode", "sqlascii");

    private LexingSettings() {}

    /** True unless {@code name} changes lexing and {@code value} is not one Vigil reads SQL under. */
    public static boolean allows(String name, String value) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "client_encoding" -> value != null && READABLE_ENCODINGS.contains(encodingKey(value));
            case "standard_conforming_strings" -> value != null && isTrue(value);
            default -> true;
        };
    }

    /** PostgreSQL's {@code clean_encoding_name}. */
    static String encodingKey(String name) {
        StringBuilder key = new StringBuilder(name.length());
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < 128 && Character.isLetterOrDigit(c)) {
                key.append(Character.toLowerCase(c));
            }
        }
        return key.toString();
    }

    /**
     * Whether PostgreSQL's {@code parse_bool} reads {@code value} as true: {@code on}, {@code 1}, or
     * any prefix of {@code true} or {@code yes}, in any case, nothing around it.
     */
    static boolean isTrue(String value) {
        String v = value.toLowerCase(Locale.ROOT);
        return !v.isEmpty() && ("true".startsWith(v) || "yes".startsWith(v)) || v.equals("on") || v.equals("1");
    }

    /** Why a session may not take {@code value} for {@code name}. */
    public static String refusal(String name, String value) {
        return "Vigil reads SQL as UTF-8 with standard_conforming_strings on; " + name + " = " + value
                + " is not allowed through Vigil";
    }
}
