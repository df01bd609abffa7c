package io.vigil.proxy.sql;

import java.util.ArrayList;
import java.util.List;

/**
 * The schemas PostgreSQL looks in for an unqualified relation name, worked out from the {@code
 * search_path} setting as the server does it ({@code recomputeNamespacePath}): {@code $user} is the
 * schema named like the role, schemas that do not exist or that the role may not use are skipped,
 * {@code pg_catalog} is searched first unless the setting places it, and the session's temporary
 * schema before that once it exists. The session's temporary schema is written {@code pg_temp}.
 */
public final class SearchPath {

    public static final String TEMP = "pg_temp";
    public static final String CATALOG = "pg_catalog";

    private SearchPath() {}

    /** PostgreSQL's identifier limit, NAMEDATALEN - 1, in bytes. */
    static final int MAX_NAME_BYTES = 63;

    /**
     * The schemas a setting's text names, as PostgreSQL's {@code SplitIdentifierString} reads it:
     * comma-separated, double quotes keep a name as written (even an empty one), bare names have
     * A to Z folded to lower case (only those, in UTF-8), every name cut to 63 bytes. Null if the
     * text is not a list of names (the server would refuse it).
     */
    public static List<String> split(String setting) {
        List<String> names = new ArrayList<>();
        int i = skipSpace(setting, 0);
        if (i == setting.length()) {
            return names;
        }
        while (true) {
            StringBuilder name = new StringBuilder();
            if (i < setting.length() && setting.charAt(i) == '"') {
                i++;
                while (true) {
                    if (i >= setting.length()) {
                        return null;
                    }
                    char c = setting.charAt(i++);
                    if (c == '"') {
                        if (i < setting.length() && setting.charAt(i) == '"') {
                            name.append('"');
                            i++;
                            continue;
                        }
                        break;
                    }
                    name.append(c);
                }
            } else {
                int start = i;
                while (i < setting.length() && setting.charAt(i) != ',' && !space(setting.charAt(i))) {
                    i++;
                }
                if (i == start) {
                    return null;
                }
                name.append(foldAscii(setting.substring(start, i)));
            }
            names.add(truncate(name.toString()));
            i = skipSpace(setting, i);
            if (i == setting.length()) {
                return names;
            }
            if (setting.charAt(i) != ',') {
                return null;
            }
            i = skipSpace(setting, i + 1);
        }
    }

    private static String foldAscii(String name) {
        StringBuilder folded = new StringBuilder(name.length());
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            folded.append(c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c);
        }
        return folded.toString();
    }

    /** A name cut to {@link #MAX_NAME_BYTES} of UTF-8, at a character's boundary, as the server cuts it. */
    static String truncate(String name) {
        if (name.length() * 3 <= MAX_NAME_BYTES) {
            return name;
        }
        int bytes = 0;
        for (int i = 0; i < name.length(); ) {
            int cp = name.codePointAt(i);
            int size = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
            if (bytes + size > MAX_NAME_BYTES) {
                return name.substring(0, i);
            }
            bytes += size;
            i += Character.charCount(cp);
        }
        return name;
    }

    private static int skipSpace(String s, int i) {
        while (i < s.length() && space(s.charAt(i))) {
            i++;
        }
        return i;
    }

    private static boolean space(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
    }

    /**
     * The schemas searched, in order, as {@code current_schemas(true)} would list them.
     *
     * @param names the setting's names (see {@link #split})
     * @param role the session's current role, for {@code $user}
     * @param catalog which schemas exist and may be used
     * @param tempExists whether the session has made its temporary schema
     */
    public static List<String> effective(List<String> names, String role, RelationCatalog catalog, boolean tempExists) {
        List<String> explicit = new ArrayList<>();
        for (String name : names) {
            String schema = name.equals("$user") ? role : truncate(name);
            boolean present = schema.equals(TEMP) ? tempExists : catalog.usable(schema);
            if (present && !explicit.contains(schema)) {
                explicit.add(schema);
            }
        }
        List<String> path = new ArrayList<>();
        if (tempExists && !explicit.contains(TEMP)) {
            path.add(TEMP);
        }
        if (!explicit.contains(CATALOG)) {
            path.add(CATALOG);
        }
        path.addAll(explicit);
        return List.copyOf(path);
    }

    /**
     * Where CREATE puts a relation the statement does not qualify: the first schema the setting
     * names that exists and may be used, {@code pg_temp} if that comes first; null if none.
     */
    public static String creationSchema(List<String> names, String role, RelationCatalog catalog) {
        for (String name : names) {
            String schema = name.equals("$user") ? role : name;
            if (schema.equals(TEMP) || catalog.usable(schema)) {
                return schema;
            }
        }
        return null;
    }

    /** {@code pg_temp_3} and the like are this session's {@code pg_temp}. */
    public static String canonicalSchema(String schema) {
        if (schema.startsWith("pg_temp_")
                && schema.chars().skip(8).allMatch(Character::isDigit)
                && schema.length() > 8) {
            return TEMP;
        }
        return schema;
    }
}
