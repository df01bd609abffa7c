package io.vigil.review.policies;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.proxy.policy.AgentFacts;
import io.vigil.proxy.policy.Policy;
import io.vigil.proxy.policy.Rule;
import io.vigil.proxy.policy.Rule.Effect;
import io.vigil.proxy.sql.SqlAnalyzer;
import io.vigil.proxy.sql.SqlLimits;
import io.vigil.review.policies.DraftReplay.Finding;
import io.vigil.review.policies.DraftReplay.Recorded;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** A draft judged over recorded statements: what it would have stopped, by agent and rule. */
class DraftReplayTest {

    private static final SqlAnalyzer ANALYZER = new SqlAnalyzer(SqlLimits.defaults());
    private static final OffsetDateTime NIGHT = OffsetDateTime.of(2026, 12, 7, 2, 0, 0, 0, ZoneOffset.UTC);
    private static final OffsetDateTime DAY = OffsetDateTime.of(2026, 12, 7, 12, 0, 0, 0, ZoneOffset.UTC);

    @AfterAll
    static void close() {
        ANALYZER.close();
    }

    private static Recorded recorded(String agent, String sql, List<String> writes, OffsetDateTime at) {
        return new Recorded(
                agent,
                new AgentFacts(agent, List.of("llm"), "owner", "", ""),
                sql,
                "simple",
                List.of("public.orders"),
                writes,
                at);
    }

    @Test
    void whatTheDraftWouldHaveStoppedByAgentAndRule() throws Exception {
        Policy draft = Policy.compile(
                "draft",
                1,
                List.of(
                        new Rule("no-deletes", Effect.DENY, "command == 'DeleteStmt'", "no deletes"),
                        new Rule(
                                "writes-by-day",
                                Effect.REVIEW,
                                "size(writes) > 0 && now.getHours('UTC') < 6",
                                "night writes wait"),
                        new Rule("no-ssn", Effect.DENY, "columns.all.exists(c, c.endsWith('ssn'))", "no ssn")));
        List<Recorded> recorded = List.of(
                recorded("a", "delete from orders where id = 1", List.of("public.orders"), DAY),
                recorded("a", "insert into orders values (1)", List.of("public.orders"), NIGHT),
                recorded("a", "insert into orders values (2)", List.of("public.orders"), DAY),
                recorded("a", "select ssn from orders", List.of(), DAY),
                recorded("a", "select id from orders", List.of(), DAY),
                recorded("b", "delete from orders where id = 2", List.of("public.orders"), DAY),
                recorded("b", "delete from orders where id = 3", List.of("public.orders"), DAY),
                recorded("b", "delete from orders where id = 3", List.of("public.orders"), DAY),
                recorded("b", "selec oops", List.of(), DAY));

        DraftReplay.Result result = DraftReplay.replay(draft, recorded, ANALYZER::analyze);

        assertThat(result.replayed()).isEqualTo(8);
        assertThat(result.unreadable()).isEqualTo(1);
        assertThat(result.denied()).isEqualTo(5);
        assertThat(result.held()).isEqualTo(1);
        assertThat(result.findings())
                .containsExactly(
                        new Finding(
                                "b",
                                "deny",
                                "no-deletes",
                                3,
                                List.of("delete from orders where id = 2", "delete from orders where id = 3")),
                        new Finding("a", "deny", "no-deletes", 1, List.of("delete from orders where id = 1")),
                        new Finding("a", "deny", "no-ssn", 1, List.of("select ssn from orders")),
                        new Finding("a", "review", "writes-by-day", 1, List.of("insert into orders values (1)")));
    }

    @Test
    void aDraftCapFindsWhatChangedMoreRowsThanItAllows() throws Exception {
        Policy draft =
                Policy.compile("draft", 1, List.of(Rule.cap("cap-ten", "kind == 'write'", 10, "ten rows at most")));
        List<String> writes = List.of("public.orders");
        AgentFacts a = new AgentFacts("a", List.of(), "owner", "", "");
        List<Recorded> recorded = List.of(
                new Recorded(
                        "a", a, "update orders set n = 1 where id > 0", "simple", List.of(), writes, DAY, null, 40L),
                new Recorded(
                        "a", a, "update orders set n = 1 where id < 5", "simple", List.of(), writes, DAY, null, 4L),
                new Recorded(
                        "a", a, "update orders set n = 2 where id > 0", "simple", List.of(), writes, DAY, null, null),
                new Recorded("a", a, "select * from orders", "simple", List.of(), List.of(), DAY, null, 500L));

        DraftReplay.Result result = DraftReplay.replay(draft, recorded, ANALYZER::analyze);

        assertThat(result.rolledBack())
                .as("only what is known to have changed more than 10")
                .isEqualTo(1);
        assertThat(result.findings())
                .containsExactly(
                        new Finding("a", "cap", "cap-ten", 1, List.of("update orders set n = 1 where id > 0")));
    }
}
