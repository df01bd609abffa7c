package io.vigil.review.campaigns;

import io.vigil.review.usage.Grant;
import io.vigil.review.usage.GrantUsageMatrix;
import io.vigil.review.usage.RelationUsage;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The recommendation for one item, from its evidence alone (a pure function, tested from tables).
 * In order of precedence:
 *
 * <ol>
 *   <li>flag: privileges unknown (never read, the last read failed, or older than allowed): nothing
 *       can be said of what the agent may do, so it is never attested or reduced blind;
 *   <li>revoke: no statement for the definition's inactivity period (an agent younger than that
 *       is given its chance);
 *   <li>flag: unusual activity in the period: DDL, denied statements, or the first use of a
 *       sensitive relation;
 *   <li>reduce: write privileges held directly and never used in the period, with the exact
 *       REVOKE statements that take them away;
 *   <li>attest: otherwise.
 * </ol>
 */
public final class Recommender {

    private static final List<String> WRITES = List.of("INSERT", "UPDATE", "DELETE", "TRUNCATE");

    /**
     * @param periodStart the review period's start (it ends at launch)
     * @param inactiveSince an agent with no statement since then is inactive
     * @param sensitive relation patterns ({@code schema.table}, {@code *} matches any characters)
     */
    public record Rules(OffsetDateTime periodStart, OffsetDateTime inactiveSince, List<String> sensitive) {}

    /** @param revokes the statements a reduce runs on the target, in order */
    public record Recommendation(String decision, String reason, List<String> revokes) {}

    private Recommender() {}

    public static Recommendation recommend(Evidence e, String upstreamRole, Rules rules) {
        if (e.privilegesUnknown() != null) {
            return new Recommendation("flag", "privileges unknown: " + e.privilegesUnknown(), List.of());
        }
        boolean inactive = e.lastActivity() == null || e.lastActivity().isBefore(rules.inactiveSince());
        if (inactive && !e.createdAt().isAfter(rules.inactiveSince())) {
            String last = e.lastActivity() == null
                    ? "it has never run a statement"
                    : "its last statement was on " + e.lastActivity().toLocalDate();
            return new Recommendation(
                    "revoke",
                    "inactive: no statement since " + rules.inactiveSince().toLocalDate() + "; " + last,
                    List.of());
        }
        List<String> unusual = unusual(e, rules);
        if (!unusual.isEmpty()) {
            return new Recommendation("flag", "unusual activity: " + String.join("; ", unusual), List.of());
        }
        Map<String, String> unused = unusedDirectWrites(e, upstreamRole);
        if (!unused.isEmpty()) {
            return new Recommendation(
                    "reduce",
                    "holds write privileges it never used in the period: " + String.join("; ", unused.keySet()),
                    List.copyOf(unused.values()));
        }
        return new Recommendation("attest", attestReason(e), List.of());
    }

    private static List<String> unusual(Evidence e, Rules rules) {
        List<String> unusual = new ArrayList<>();
        if (e.ddl() > 0) {
            unusual.add(e.ddl() + " DDL statement" + (e.ddl() == 1 ? "" : "s"));
        }
        if (e.denials() > 0) {
            unusual.add(e.denials() + " denied statement" + (e.denials() == 1 ? "" : "s"));
        }
        Set<String> firstTime = new LinkedHashSet<>();
        // For an agent created within the period every use is a first: only a change of habit counts.
        boolean hasHistory = e.createdAt().isBefore(rules.periodStart());
        for (RelationUse u : hasHistory ? e.usage() : List.<RelationUse>of()) {
            String relation = qualified(u.relation());
            boolean first = u.firstAt() != null && !u.firstAt().isBefore(rules.periodStart());
            if (first && matchesAny(relation, rules.sensitive())) {
                firstTime.add(relation);
            }
        }
        if (!firstTime.isEmpty()) {
            unusual.add("first use of sensitive " + String.join(", ", firstTime));
        }
        return unusual;
    }

    /**
     * Write privileges held directly (so revocable from the role itself) and never used in the
     * period: table ones per table, and CREATE on a schema (the period had no DDL, or the item
     * would be flagged). Each description with the statement that takes it away.
     */
    private static Map<String, String> unusedDirectWrites(Evidence e, String role) {
        Map<String, String> unused = new LinkedHashMap<>();
        GrantUsageMatrix matrix = GrantUsageMatrix.of(
                e.grants(),
                e.usage().stream()
                        .map(u -> new RelationUsage(u.relation(), u.operation(), u.statements(), 0, 0, 0, u.lastAt()))
                        .toList());
        for (GrantUsageMatrix.Row row : matrix.rows()) {
            List<String> privileges = new ArrayList<>();
            for (String privilege : WRITES) {
                GrantUsageMatrix.Cell cell = row.cell(privilege);
                if (cell.unused() && "direct".equals(cell.via())) {
                    privileges.add(privilege);
                }
            }
            if (!privileges.isEmpty() && nameable(row.relation())) {
                unused.put(
                        String.join(", ", privileges) + " on " + row.relation(),
                        revokeOnTable(privileges, row.relation(), role));
            }
        }
        for (Grant g : e.grants()) {
            if (g.kind().equals("schema")
                    && g.privilege().equals("CREATE")
                    && g.via().equals("direct")) {
                unused.put(
                        "CREATE on schema " + g.object(),
                        "REVOKE CREATE ON SCHEMA " + quote(g.object()) + " FROM " + quote(role));
            }
        }
        return unused;
    }

    private static String attestReason(Evidence e) {
        if (e.lastActivity() == null) {
            return "new: created on " + e.createdAt().toLocalDate()
                    + ", within the inactivity period, and no statement yet";
        }
        long writes = e.grants().stream().filter(Grant::writes).count();
        return "active: " + e.statements() + " statement" + (e.statements() == 1 ? "" : "s")
                + " in the period, last on " + e.lastActivity().toLocalDate()
                + (writes == 0 ? "; read-only privileges" : "; uses what it may change");
    }

    /** {@code REVOKE INSERT, DELETE ON TABLE "s"."t" FROM "role"}: every name quoted, so exact. */
    static String revokeOnTable(List<String> privileges, String relation, String role) {
        int dot = relation.indexOf('.');
        return "REVOKE " + String.join(", ", privileges) + " ON TABLE " + quote(relation.substring(0, dot)) + "."
                + quote(relation.substring(dot + 1)) + " FROM " + quote(role);
    }

    /** The catalog writes schema.relation unquoted: only one dot names a table unambiguously. */
    private static boolean nameable(String relation) {
        int dot = relation.indexOf('.');
        return dot > 0 && dot == relation.lastIndexOf('.') && dot < relation.length() - 1;
    }

    static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    /** A string literal, as PostgreSQL reads it with standard_conforming_strings on (the default). */
    static String literal(String value) {
        return "'" + value.replace("'", "''") + "'";
    }

    private static String qualified(String relation) {
        return relation.contains(".") ? relation : "public." + relation;
    }

    static boolean matchesAny(String relation, List<String> patterns) {
        for (String pattern : patterns) {
            String regex = Pattern.quote(pattern).replace("*", "\\E.*\\Q");
            if (relation.matches(regex)) {
                return true;
            }
        }
        return false;
    }
}
