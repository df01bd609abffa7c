package io.vigil.review.campaigns;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.review.campaigns.Recommender.Recommendation;
import io.vigil.review.campaigns.Recommender.Rules;
import io.vigil.review.usage.Grant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RecommenderTest {

    private static final OffsetDateTime LAUNCH = OffsetDateTime.parse("2026-10-01T06:00:00Z");
    private static final Rules RULES =
            new Rules(LAUNCH.minusDays(90), LAUNCH.minusDays(30), List.of("billing.*", "public.customers"));

    /**
     * One agent per row. grants: "relation:PRIV/via" separated by spaces (schema grants as
     * "schema:CREATE/direct"); usage: "relation:operation" separated by spaces.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                // name                      | created | last activity | ddl | denials | grants
                //          | usage                    | used before     | decision
                "never ran a statement        | 200     |               | 0   | 0       | public.orders:SELECT/direct              |                          |                 | revoke",
                "silent for 31 days           | 200     | 31            | 0   | 0       | public.orders:SELECT/direct              |                          |                 | revoke",
                "new and silent: its chance   | 10      |               | 0   | 0       | public.orders:SELECT/direct              |                          |                 | attest",
                "active reader                | 200     | 1             | 0   | 0       | public.orders:SELECT/direct              | public.orders:select     |                 | attest",
                "ran DDL                      | 200     | 1             | 2   | 0       | public.orders:SELECT/direct              | public.orders:ddl        |                 | flag",
                "denied statements            | 200     | 1             | 0   | 3       | public.orders:SELECT/direct              | public.orders:select     |                 | flag",
                "first use of sensitive table | 200     | 1             | 0   | 0       | billing.invoices:SELECT/direct           | billing.invoices:select  |                 | flag",
                "a new agent's first use      | 10      | 1             | 0   | 0       | billing.invoices:SELECT/direct           | billing.invoices:select  |                 | attest",
                "sensitive, used before       | 200     | 1             | 0   | 0       | billing.invoices:SELECT/direct           | billing.invoices:select  | billing.invoices | attest",
                "unqualified sensitive name   | 200     | 1             | 0   | 0       | public.customers:SELECT/direct           | customers:select         |                 | flag",
                "unused DELETE held directly  | 200     | 1             | 0   | 0       | public.orders:SELECT/direct public.orders:DELETE/direct | public.orders:select |           | reduce",
                "unused DELETE via a role     | 200     | 1             | 0   | 0       | public.orders:SELECT/direct public.orders:DELETE/shop_writers | public.orders:select |     | attest",
                "uses the DELETE it holds     | 200     | 1             | 0   | 0       | public.orders:DELETE/direct              | public.orders:delete     |                 | attest",
                "MERGE uses INSERT            | 200     | 1             | 0   | 0       | public.orders:INSERT/direct              | public.orders:merge      |                 | attest",
                "schema CREATE held directly  | 200     | 1             | 0   | 0       | public:CREATE/direct                     | public.orders:select     |                 | reduce",
                "inactive beats unusual       | 200     | 40            | 5   | 5       | public.orders:DELETE/direct              |                          |                 | revoke",
                "unusual beats reduce         | 200     | 1             | 0   | 1       | public.orders:DELETE/direct              | public.orders:select     |                 | flag",
            })
    void recommends(
            String name,
            int createdDaysAgo,
            Integer lastDaysAgo,
            long ddl,
            long denials,
            String grants,
            String usage,
            String usedBefore,
            String decision) {
        Evidence e = evidence(createdDaysAgo, lastDaysAgo, ddl, denials, grants, usage, usedBefore);
        Recommendation r = Recommender.recommend(e, "shop_support", RULES);
        assertThat(r.decision()).as(r.reason()).isEqualTo(decision);
        assertThat(r.reason()).isNotBlank();
        assertThat(r.revokes()).hasSize(decision.equals("reduce") ? 1 : 0);
    }

    /** An empty privilege list read from nowhere is not "read-only": it is unknown. */
    @Test
    void anAgentWhosePrivilegesAreUnknownIsFlaggedNeverAttested() {
        Evidence quiet = evidence(200, 1, 0, 0, "", "public.orders:select", null);
        assertThat(Recommender.recommend(quiet, "shop_support", RULES).decision())
                .isEqualTo("attest");
        Evidence unknown = new Evidence(
                quiet.createdAt(),
                quiet.lastActivity(),
                quiet.statements(),
                quiet.ddl(),
                quiet.denials(),
                quiet.grants(),
                quiet.usage(),
                null,
                "never read from the target (connection refused)");
        Recommendation r = Recommender.recommend(unknown, "shop_support", RULES);
        assertThat(r.decision()).isEqualTo("flag");
        assertThat(r.reason()).isEqualTo("privileges unknown: never read from the target (connection refused)");
    }

    @Test
    void reduceNamesTheExactStatements() {
        Evidence e = evidence(
                200,
                1,
                0,
                0,
                "public.orders:SELECT/direct public.orders:INSERT/direct public.orders:DELETE/direct"
                        + " public.orders:TRUNCATE/direct public.\"Weird\"\"Name:UPDATE/direct sales:CREATE/direct",
                "public.orders:select public.orders:insert",
                null);
        Recommendation r = Recommender.recommend(e, "shop\"support", RULES);
        assertThat(r.revokes())
                .containsExactly(
                        "REVOKE UPDATE ON TABLE \"public\".\"\"\"Weird\"\"\"\"Name\" FROM \"shop\"\"support\"",
                        "REVOKE DELETE, TRUNCATE ON TABLE \"public\".\"orders\" FROM \"shop\"\"support\"",
                        "REVOKE CREATE ON SCHEMA \"sales\" FROM \"shop\"\"support\"");
        assertThat(r.reason())
                .isEqualTo("holds write privileges it never used in the period: UPDATE on public.\"Weird\"\"Name;"
                        + " DELETE, TRUNCATE on public.orders; CREATE on schema sales");
    }

    @Test
    void aTableWhoseNameHasADotIsNotGuessedAt() {
        Evidence e = evidence(200, 1, 0, 0, "public.odd.name:DELETE/direct", "public.orders:select", null);
        Recommendation r = Recommender.recommend(e, "shop_support", RULES);
        assertThat(r.decision()).isEqualTo("attest");
        assertThat(r.revokes()).isEmpty();
    }

    @ParameterizedTest(name = "{0} ~ {1}: {2}")
    @CsvSource({
        "billing.invoices, billing.*, true",
        "billing.invoices, public.*, false",
        "public.customers, public.customers, true",
        "public.customers_archive, public.customers, false",
        "public.a.b, public.a.b, true"
    })
    void matchesSensitivePatterns(String relation, String pattern, boolean matches) {
        assertThat(Recommender.matchesAny(relation, List.of(pattern))).isEqualTo(matches);
    }

    private static Evidence evidence(
            int createdDaysAgo,
            Integer lastDaysAgo,
            long ddl,
            long denials,
            String grants,
            String usage,
            String usedBefore) {
        OffsetDateTime last = lastDaysAgo == null ? null : LAUNCH.minusDays(lastDaysAgo);
        List<Grant> held = new ArrayList<>();
        for (String g : words(grants)) {
            String object = g.substring(0, g.lastIndexOf(':'));
            String[] privilegeVia = g.substring(g.lastIndexOf(':') + 1).split("/");
            String kind = object.contains(".") ? "table" : "schema";
            held.add(new Grant(kind, object, privilegeVia[0], privilegeVia[1]));
        }
        List<RelationUse> used = new ArrayList<>();
        List<String> before = words(usedBefore);
        for (String u : words(usage)) {
            String[] parts = u.split(":");
            String qualified = parts[0].contains(".") ? parts[0] : "public." + parts[0];
            // used before the period: its first use is a year back; else within the period
            OffsetDateTime first = before.contains(qualified) ? LAUNCH.minusDays(365) : last;
            used.add(new RelationUse(parts[0], parts[1], 5, first, last));
        }
        return new Evidence(
                LAUNCH.minusDays(createdDaysAgo),
                last,
                lastDaysAgo == null || lastDaysAgo > 30 ? 0 : 10,
                ddl,
                denials,
                held,
                used);
    }

    private static List<String> words(String text) {
        return text == null || text.isBlank() ? List.of() : List.of(text.strip().split("\\s+"));
    }
}
