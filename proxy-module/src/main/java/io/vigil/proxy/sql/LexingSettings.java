package io.vigil.proxy.sql;

import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Settings that change how PostgreSQL lexes SQL, and the values under which Vigil's parser reads it
 * exactly as the server does. Under other values the same bytes could be one statement to the
 * audit and another to the server, so sessions are kept to these: at startup, at SET, and by
 * watching the server's ParameterStatus reports for anything that slipped past (set_config with a
 * computed name, say).
 */
public final class LexingSettings {

    /** SQL_ASCII lexes exactly like UTF-8; text that is not UTF-8 is refused anyway. */
    private static final Map<String, Set<String>> ALLOWED = Map.of(
            "client_encoding", Set.of("utf8", "utf-8", "unicode", "sql_ascii"),
            "standard_conforming_strings", Set.of("on", "true", "yes", "1"));

    private LexingSettings() {}

    /** True unless {@code name} changes lexing and {@code value} is not one Vigil reads SQL under. */
    public static boolean allows(String name, String value) {
        Set<String> allowed = ALLOWED.get(name.toLowerCase(Locale.ROOT));
        return allowed == null
                || value != null && allowed.contains(value.strip().toLowerCase(Locale.ROOT));
    }

    /** Why a session may not take {@code value} for {@code name}. */
    public static String refusal(String name, String value) {
        return "Vigil reads SQL as UTF-8 with standard_conforming_strings on; " + name + " = " + value
                + " is not allowed through Vigil";
    }
}
