package io.vigil.review.campaigns;

import io.vigil.review.usage.Grant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads back the REVOKE statements {@link Recommender} writes, to check a reduce against the
 * target's catalog afterwards: does a privilege still held fall under one of them?
 */
final class RevokeCheck {

    private static final String IDENT = "\"((?:[^\"]|\"\")*)\"";
    private static final Pattern TABLE =
            Pattern.compile("REVOKE ([A-Z, ]+) ON TABLE " + IDENT + "\\." + IDENT + " FROM " + IDENT);
    private static final Pattern SCHEMA = Pattern.compile("REVOKE ([A-Z, ]+) ON SCHEMA " + IDENT + " FROM " + IDENT);

    private RevokeCheck() {}

    static boolean covers(String revoke, Grant g) {
        Matcher table = TABLE.matcher(revoke);
        if (table.matches()) {
            return g.kind().equals("table")
                    && privileges(table.group(1)).contains(g.privilege())
                    && g.object().equals(unquote(table.group(2)) + "." + unquote(table.group(3)));
        }
        Matcher schema = SCHEMA.matcher(revoke);
        if (schema.matches()) {
            return g.kind().equals("schema")
                    && privileges(schema.group(1)).contains(g.privilege())
                    && g.object().equals(unquote(schema.group(2)));
        }
        return false;
    }

    private static List<String> privileges(String list) {
        return List.of(list.split(",\\s*"));
    }

    private static String unquote(String quoted) {
        return quoted.replace("\"\"", "\"");
    }
}
