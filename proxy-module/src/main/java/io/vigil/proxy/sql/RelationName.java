package io.vigil.proxy.sql;

import java.util.ArrayList;
import java.util.List;

/**
 * How the trail writes a relation's name: its parts joined by dots, each part bare when it is a
 * plain lower-case identifier and double-quoted otherwise ({@code public."Order Lines"}), so a name
 * with a dot or a capital in it reads back as the parts it was. A relation that did not exist when
 * the statement ran is written as the statement named it, after {@link #MISSING}: {@code ?nosuch}.
 * PostgreSQL's {@code to_regclass} reads the same form.
 */
public final class RelationName {

    /** Marks a relation that did not exist: no rendered identifier starts with it. */
    public static final char MISSING = '?';

    private RelationName() {}

    /** {@code parts} as one name: {@code schema.relation}, quoted where needed. */
    public static String render(List<String> parts) {
        StringBuilder name = new StringBuilder();
        for (String part : parts) {
            if (!name.isEmpty()) {
                name.append('.');
            }
            quote(part, name);
        }
        return name.toString();
    }

    public static String render(String schema, String relation) {
        return render(List.of(schema, relation));
    }

    private static void quote(String part, StringBuilder out) {
        if (plain(part)) {
            out.append(part);
            return;
        }
        out.append('"').append(part.replace("\"", "\"\"")).append('"');
    }

    private static boolean plain(String part) {
        if (part.isEmpty() || !(lower(part.charAt(0)) || part.charAt(0) == '_')) {
            return false;
        }
        for (int i = 1; i < part.length(); i++) {
            char c = part.charAt(i);
            if (!(lower(c) || c == '_' || c == '$' || (c >= '0' && c <= '9'))) {
                return false;
            }
        }
        return true;
    }

    private static boolean lower(char c) {
        return c >= 'a' && c <= 'z';
    }

    /**
     * The parts of a rendered name, null if {@code name} is not one (a missing relation's mark, an
     * unterminated quote).
     */
    public static List<String> parts(String name) {
        List<String> parts = new ArrayList<>(3);
        StringBuilder part = new StringBuilder();
        int i = 0;
        while (i <= name.length()) {
            if (i < name.length() && name.charAt(i) == '"') {
                int end = i + 1;
                while (true) {
                    end = name.indexOf('"', end);
                    if (end < 0) {
                        return null;
                    }
                    if (end + 1 < name.length() && name.charAt(end + 1) == '"') {
                        end += 2;
                        continue;
                    }
                    break;
                }
                part.append(name, i + 1, end);
                i = end + 1;
                int at = part.indexOf("\"\"");
                while (at >= 0) {
                    part.deleteCharAt(at);
                    at = part.indexOf("\"\"", at + 1);
                }
                continue;
            }
            if (i == name.length() || name.charAt(i) == '.') {
                if (part.isEmpty()) {
                    return null;
                }
                parts.add(part.toString());
                part.setLength(0);
                i++;
                continue;
            }
            char c = name.charAt(i);
            if (c == MISSING && parts.isEmpty() && part.isEmpty()) {
                return null;
            }
            part.append(c);
            i++;
        }
        return parts;
    }

    /** Whether {@code name} marks a relation that did not exist when the statement ran. */
    public static boolean missing(String name) {
        return !name.isEmpty() && name.charAt(0) == MISSING;
    }

    /** The schema a rendered, resolved name is in, null if it has no schema. */
    public static String schema(String name) {
        List<String> parts = parts(name);
        return parts == null || parts.size() < 2 ? null : parts.get(parts.size() - 2);
    }

    /** Whether a resolved name is one of PostgreSQL's own catalogs (pg_catalog, information_schema). */
    public static boolean catalog(String name) {
        String schema = schema(name);
        return "pg_catalog".equals(schema) || "information_schema".equals(schema);
    }
}
