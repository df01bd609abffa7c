package io.vigil.review.campaigns;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.review.usage.Grant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SeparationTest {

    @ParameterizedTest(name = "{0} deciding on {1} (last changed by {2}): {3}")
    @CsvSource(
            nullValues = "-",
            value = {
                "olivia, support-bot, admin, -",
                "olivia, support-bot, -, -",
                "olivia, support-bot, olivia, olivia made the last change to support-bot's access",
                "support-bot, support-bot, admin, support-bot is the agent under review",
                "admin, support-bot, admin, admin made the last change to support-bot's access"
            })
    void nobodyDecidesOnWhatTheyAreOrLastGaveAccessTo(
            String person, String agent, String lastChanger, String conflict) {
        assertThat(Separation.conflict(person, agent, lastChanger)).isEqualTo(conflict);
    }

    /** Reads back the statements the recommender writes; a grant they cover is one a reduce takes. */
    @ParameterizedTest(name = "{0} covers {1} {2} {3}: {4}")
    @CsvSource(
            delimiter = '|',
            value = {
                "REVOKE INSERT, DELETE ON TABLE \"public\".\"orders\" FROM \"r\" | table | public.orders | DELETE | true",
                "REVOKE INSERT, DELETE ON TABLE \"public\".\"orders\" FROM \"r\" | table | public.orders | SELECT | false",
                "REVOKE INSERT ON TABLE \"public\".\"orders\" FROM \"r\" | table | public.orders_x | INSERT | false",
                "REVOKE UPDATE ON TABLE \"public\".\"\"\"q\"\"\" FROM \"r\" | table | public.\"q\" | UPDATE | true",
                "REVOKE CREATE ON SCHEMA \"sales\" FROM \"r\" | schema | sales | CREATE | true",
                "REVOKE CREATE ON SCHEMA \"sales\" FROM \"r\" | table | sales | CREATE | false",
                "DROP TABLE x | table | public.x | DELETE | false"
            })
    void revokeCheckKnowsWhatAStatementTakes(
            String revoke, String kind, String object, String privilege, boolean covered) {
        assertThat(RevokeCheck.covers(revoke, new Grant(kind, object, privilege, "direct")))
                .isEqualTo(covered);
    }
}
