package io.vigil.proxy.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.proxy.sql.SharedAnalyzer;
import io.vigil.proxy.sql.SqlAnalysis.Understood;
import io.vigil.proxy.sql.StatementShape;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Rules evaluated in Java mean exactly what CEL means: every rule of both presets, and rules written
 * for the subset's edges, against the facts of statements that show every trait, each answer
 * compared with CEL's own.
 */
class NativeRuleTest {

    static final List<String> STATEMENTS = List.of(
            "select * from orders where id = 1",
            "drop table orders",
            "truncate orders",
            "alter table orders drop column total",
            "delete from orders",
            "update orders set total = 0",
            "grant select on orders to public",
            "create trigger t before insert on orders for each row execute function f()",
            "set role admin",
            "select set_config('search_path', 'x', false)",
            "copy orders to program 'x'",
            "copy orders from stdin",
            "copy orders to stdout",
            "select pg_read_file('x')",
            "select pg_terminate_backend(1)",
            "alter system set x = 1",
            "create extension dblink",
            "create function f() returns int language sql security definer as 'select 1'",
            "select query_to_xml('select 1', true, true, '')",
            "create table c as select 1",
            "lock orders",
            "lock orders in access share mode",
            "do $$ begin perform 1; end $$",
            "vacuum full orders",
            "select setval('s', 1)",
            "begin",
            "set statement_timeout = 0",
            "insert into orders values (1)",
            "listen x",
            "explain select 1");

    static final List<Rule> EDGES = List.of(
            new Rule("a", Rule.Effect.DENY, "kind in ['write', 'ddl'] && !in_transaction", ""),
            new Rule("b", Rule.Effect.DENY, "command != 'SelectStmt' || 'lock' in traits", ""),
            new Rule("c", Rule.Effect.DENY, "'SelectStmt' == command && protocol == 'simple'", ""),
            new Rule("d", Rule.Effect.DENY, "'public.orders' in reads || 'llm' in tags && owner == 'owner'", ""),
            new Rule("e", Rule.Effect.DENY, "true && !false", ""),
            new Rule("f", Rule.Effect.DENY, "in_transaction || agent == 'support-copilot'", ""));

    @Test
    void everyRuleInTheSubsetAnswersAsCelDoes() throws Exception {
        List<Policy> policies = new ArrayList<>();
        for (String preset : PolicyDocument.PRESETS) {
            policies.add(PolicyDocument.preset(preset).compile(1));
        }
        policies.add(Policy.compile("edges", 1, EDGES));
        int compared = 0;
        for (String sql : STATEMENTS) {
            StatementShape shape = ((Understood) SharedAnalyzer.INSTANCE.analyzeNow(sql))
                    .statements()
                    .getFirst();
            for (boolean inTransaction : new boolean[] {false, true}) {
                StatementFacts facts = StatementFacts.of(
                        shape,
                        "simple",
                        inTransaction,
                        new AgentFacts("support-copilot", List.of("llm"), "owner", "", ""),
                        null);
                for (Policy policy : policies) {
                    for (Policy.Compiled rule : policy.rules()) {
                        if (rule.fast() != null) {
                            assertThat(rule.fast().test(facts))
                                    .as(rule.rule().when() + " for " + sql)
                                    .isEqualTo(rule.program().eval(facts.resolver()));
                            compared++;
                        }
                    }
                }
            }
        }
        assertThat(compared).isGreaterThan(1_000);
    }

    @Test
    void whatIsOutsideTheSubsetStaysWithCel() throws Exception {
        Policy policy = Policy.compile(
                "cel",
                1,
                List.of(
                        new Rule("size", Rule.Effect.DENY, "size(writes) > 0", ""),
                        new Rule("macro", Rule.Effect.DENY, "settings.exists(s, s == 'role')", ""),
                        new Rule("variable-list", Rule.Effect.DENY, "kind in tags", ""),
                        new Rule("trait", Rule.Effect.DENY, "'drop' in traits", "")));
        assertThat(policy.rules().stream().map(r -> r.fast() != null)).containsExactly(false, false, false, true);
    }

    @Test
    void eachPresetRuleThatReadsOnlyTraitsOrNamesIsEvaluatedInJava() throws Exception {
        Policy baseline = PolicyDocument.preset("baseline").compile(1);
        long fast = baseline.rules().stream().filter(r -> r.fast() != null).count();
        // The two that range over settings with exists() stay with CEL.
        assertThat(fast).isEqualTo(baseline.rules().size() - 2);
    }
}
