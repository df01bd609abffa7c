package io.vigil.proxy.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.proxy.policy.Rule.Effect;
import io.vigil.proxy.sql.RelationCatalog;
import io.vigil.proxy.sql.SessionRelations;
import io.vigil.proxy.sql.SharedAnalyzer;
import io.vigil.proxy.sql.SqlAnalysis.Understood;
import io.vigil.proxy.sql.StatementShape;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Verdicts from tables: statements parsed by PostgreSQL's parser, their relations resolved as the
 * session resolves them, judged by CEL rules compiled once.
 */
class DecideTest {

    private static final UUID TARGET = UUID.randomUUID();

    static final List<Rule> GUARDS = List.of(
            new Rule("no-drop", Effect.DENY, "command == 'DropStmt'", "dropping is not allowed"),
            new Rule("no-truncate", Effect.DENY, "command == 'TruncateStmt'", "truncating is not allowed"),
            new Rule(
                    "no-password-catalogs",
                    Effect.DENY,
                    "reads.exists(r, r in ['pg_catalog.pg_authid', 'pg_catalog.pg_shadow'])",
                    "the password catalogs are not for agents"),
            new Rule("no-privilege-changes", Effect.DENY, "kind == 'privilege'", "privileges are changed by people"),
            new Rule(
                    "no-unbounded-delete",
                    Effect.DENY,
                    "command == 'DeleteStmt' && 'unbounded_delete' in traits",
                    "a DELETE must say which rows"),
            new Rule("review-ddl", Effect.REVIEW, "kind == 'ddl'", "schema changes need an approval"));

    static Policy guards() throws Policy.InvalidPolicy {
        return Policy.compile("guards", 3, GUARDS);
    }

    static StatementFacts facts(String sql) {
        RelationCatalog catalog = RelationCatalog.builder()
                .schema("pg_catalog", true)
                .schema("public", true)
                .relation("pg_catalog", "pg_authid")
                .relation("public", "orders")
                .build();
        SessionRelations relations = new SessionRelations("shop", "agent", catalog, List.of("$user", "public"));
        StatementShape shape = relations.resolve(((Understood) SharedAnalyzer.INSTANCE.analyzeNow(sql))
                .statements()
                .getFirst());
        return StatementFacts.of(
                shape, "simple", false, new AgentFacts("support-copilot", List.of("llm"), "owner", "", ""), null);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            select * from orders                       | allow  |
            select * from pg_authid                    | deny   | no-password-catalogs
            select 'drop table orders' from orders     | allow  |
            drop table orders                          | deny   | no-drop
            truncate orders                            | deny   | no-truncate
            grant select on orders to someone          | deny   | no-privilege-changes
            create table notes (id int)                | review | review-ddl
            insert into orders values (1)              | allow  |
            delete from orders                         | deny   | no-unbounded-delete
            delete from orders where true              | deny   | no-unbounded-delete
            delete from orders where id = 4            | allow  |
            """)
    void eachStatementGetsTheFirstMatchingRulesEffect(String sql, String verdict, String rule) throws Exception {
        Verdict v = Decide.decide(facts(sql), List.of(guards()));
        assertThat(effect(v)).isEqualTo(verdict);
        if (rule != null) {
            assertThat(v)
                    .extracting(x -> x instanceof Verdict.Deny d ? d.rule() : ((Verdict.Review) x).rule())
                    .isEqualTo(rule);
        }
    }

    private static String effect(Verdict v) {
        return switch (v) {
            case Verdict.Allow a -> "allow";
            case Verdict.Review r -> "review";
            case Verdict.Deny d -> "deny";
        };
    }

    @Test
    void theMostSevereVerdictOfThePoliciesThatApplyWins() throws Exception {
        Policy lenient = Policy.compile("lenient", 1, List.of(new Rule("all", Effect.ALLOW, "true", "")));
        Policy reviewing = Policy.compile(
                "reviewing", 7, List.of(new Rule("writes", Effect.REVIEW, "size(writes) > 0", "writes wait")));
        assertThat(Decide.decide(facts("insert into orders values (1)"), List.of(lenient, reviewing)))
                .isEqualTo(new Verdict.Review("reviewing", 7, "writes", "writes wait"));
        assertThat(Decide.decide(facts("select * from orders"), List.of(lenient, reviewing)))
                .isEqualTo(new Verdict.Allow("lenient v1, reviewing v7"));
    }

    @Test
    void aRuleThatCannotBeEvaluatedDenies() throws Exception {
        Policy broken =
                Policy.compile("broken", 2, List.of(new Rule("fifth-read", Effect.ALLOW, "reads[4] == 'x'", "")));
        assertThat(Decide.decide(facts("select * from orders"), List.of(broken)))
                .isInstanceOfSatisfying(Verdict.Deny.class, d -> {
                    assertThat(d.rule()).isEqualTo("fifth-read");
                    assertThat(d.message()).contains("could not be evaluated");
                });
    }

    @Test
    void noPolicyDenies() {
        assertThat(Decide.decide(facts("select 1"), List.of())).isInstanceOf(Verdict.Deny.class);
    }

    @Test
    void aRuleThatDoesNotCompileOrIsNotABooleanIsNotLoaded() {
        assertThatThrownBy(() -> Policy.compile("p", 1, List.of(new Rule("half", Effect.DENY, "kind ==", ""))))
                .isInstanceOf(Policy.InvalidPolicy.class)
                .hasMessageContaining("rule 'half'");
        assertThatThrownBy(() -> Policy.compile("p", 1, List.of(new Rule("text", Effect.DENY, "kind", ""))))
                .isInstanceOf(Policy.InvalidPolicy.class)
                .hasMessageContaining("not true or false");
        assertThatThrownBy(
                        () -> Policy.compile("p", 1, List.of(new Rule("unknown", Effect.DENY, "colour == 'red'", ""))))
                .isInstanceOf(Policy.InvalidPolicy.class)
                .hasMessageContaining("rule 'unknown'");
    }

    /** Writes only in Berlin's working hours: 07:00 to 18:59 local time. */
    static final Rule OFF_HOURS = new Rule(
            "no-writes-off-hours",
            Effect.DENY,
            "size(writes) > 0 && (now.getHours('Europe/Berlin') < 7 || now.getHours('Europe/Berlin') > 18)",
            "writes wait for working hours");

    @ParameterizedTest(name = "{0} at {1}")
    @CsvSource(delimiter = '|', textBlock = """
            insert into orders values (1) | 2026-12-07T05:59:59Z | deny
            insert into orders values (1) | 2026-12-07T06:00:00Z | allow
            insert into orders values (1) | 2026-12-07T17:59:59Z | allow
            insert into orders values (1) | 2026-07-07T17:00:00Z | deny
            select * from orders          | 2026-12-07T03:00:00Z | allow
            """)
    void aRuleReadsTheTimeTheStatementIsJudgedAt(String sql, String at, String verdict) throws Exception {
        Policy hours = Policy.compile("hours", 1, List.of(OFF_HOURS));
        StatementFacts f = facts(sql);
        StatementFacts timed = new StatementFacts(
                f.kind(),
                f.command(),
                f.reads(),
                f.writes(),
                f.functions(),
                f.inTransaction(),
                f.protocol(),
                f.agent(),
                f.tags(),
                f.owner(),
                f.onBehalfOf(),
                f.task(),
                f.traits(),
                f.settings(),
                f.columns(),
                f.calls(),
                Instant.parse(at));

        assertThat(hours.readsTime()).isTrue();
        assertThat(guards().readsTime()).isFalse();
        assertThat(effect(Decide.decide(timed, List.of(hours)))).isEqualTo(verdict);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            select id from orders where ssn = '1'           | deny
            select o.id from orders o where o.ssn like '1%' | deny
            select ssn from orders where id = 1             | allow
            select id from orders where note = 'ssn'        | allow
            """)
    void aRuleReadsTheColumnsAStatementFiltersOn(String sql, String verdict) throws Exception {
        Policy noProbing = Policy.compile(
                "probing",
                1,
                List.of(new Rule(
                        "no-filter-on-ssn",
                        Effect.DENY,
                        "columns.where.exists(c, c == 'ssn' || c.endsWith('.ssn'))",
                        "ssn may not be searched")));

        assertThat(effect(Decide.decide(facts(sql), List.of(noProbing)))).isEqualTo(verdict);
    }

    @Test
    void aRuleReadsWhatTheCatalogSaysOfACall() throws Exception {
        Policy noUntrusted = Policy.compile(
                "languages",
                1,
                List.of(new Rule(
                        "no-untrusted-languages",
                        Effect.DENY,
                        "calls.exists(f, f.language in ['plperlu', 'plpython3u'] || !f.known)",
                        "untrusted languages run outside the database's control")));
        RelationCatalog catalog = RelationCatalog.builder()
                .schema("pg_catalog", true)
                .schema("public", true)
                .relation("public", "orders")
                .function("pg_catalog", "now", false, false, "internal", false)
                .function("public", "fetch_url", true, false, "plpython3u", true)
                .function("public", "price_of", false, false, "sql", true)
                .build();
        SessionRelations relations = new SessionRelations("shop", "agent", catalog, List.of("$user", "public"));
        AgentFacts agent = new AgentFacts("support-copilot", List.of("llm"), "owner", "", "");
        java.util.function.Function<String, Verdict> judge = sql -> Decide.decide(
                StatementFacts.of(
                        relations.resolve(((Understood) SharedAnalyzer.INSTANCE.analyzeNow(sql))
                                .statements()
                                .getFirst()),
                        "simple",
                        false,
                        agent,
                        null),
                List.of(noUntrusted));

        assertThat(effect(judge.apply("select fetch_url('http://x')"))).isEqualTo("deny");
        assertThat(effect(judge.apply("select never_heard_of()"))).isEqualTo("deny");
        assertThat(effect(judge.apply("select price_of(1), now() from orders"))).isEqualTo("allow");
    }

    @Test
    void aVerdictThatDependsOnTheTimeIsNotKept() throws Exception {
        PolicyStore store = new PolicyStore() {
            @Override
            public long epoch() {
                return 1;
            }

            @Override
            public List<String> installPresets() {
                return List.of();
            }

            @Override
            public List<Stored> load() {
                return List.of(new Stored(
                        "hours",
                        1,
                        new PolicyDocument("hours", "", List.of(OFF_HOURS)).json(),
                        List.of(new Attachment(TARGET, List.of(), List.of(), List.of()))));
            }
        };
        Policies policies = new Policies(store);
        policies.refresh();
        AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-12-07T10:00:00Z"));
        SessionJudge judge = new SessionJudge(
                policies,
                TARGET,
                new AgentFacts("support-copilot", List.of("llm"), "owner", "", ""),
                () -> false,
                now::get);
        StatementShape insert = ((Understood) SharedAnalyzer.INSTANCE.analyzeNow("insert into orders values (1)"))
                .statements()
                .getFirst();

        assertThat(judge.judge(insert, "simple")).isInstanceOf(Verdict.Allow.class);
        now.set(Instant.parse("2026-12-07T22:00:00Z"));
        assertThat(judge.judge(insert, "simple")).isInstanceOf(Verdict.Deny.class);
    }

    @Test
    void aPolicyInObserveModeStopsNothingAndSaysWhatItWouldHaveDone() throws Exception {
        Policy strict = Policy.compile(
                        "strict",
                        2,
                        List.of(
                                new Rule("no-deletes", Effect.DENY, "command == 'DeleteStmt'", "no deletes"),
                                new Rule("review-writes", Effect.REVIEW, "size(writes) > 0", "writes wait")))
                .observing(true);
        Policy lenient = Policy.compile("lenient", 1, List.of(new Rule("all", Effect.ALLOW, "true", "")));

        assertThat(Decide.decide(facts("delete from orders where id = 4"), List.of(lenient, strict)))
                .isEqualTo(new Verdict.Allow(
                        "lenient v1, strict v2 (observe)", new Verdict.Deny("strict", 2, "no-deletes", "no deletes")));
        // Observe mode grants nothing: an agent only observing policies reach is denied everything.
        assertThat(Decide.decide(facts("select * from orders"), List.of(strict)))
                .isInstanceOfSatisfying(
                        Verdict.Deny.class, d -> assertThat(d.rule()).isEqualTo("no-policy"));
        assertThat(Decide.decide(facts("insert into orders values (1)"), List.of(lenient, strict)))
                .isEqualTo(new Verdict.Allow(
                        "lenient v1, strict v2 (observe)",
                        new Verdict.Review("strict", 2, "review-writes", "writes wait")));
        assertThat(Decide.decide(facts("select * from orders"), List.of(lenient, strict)))
                .isEqualTo(new Verdict.Allow("lenient v1, strict v2 (observe)"));
        // An enforcing denial stands; what observing policies say of it is not kept.
        assertThat(Decide.decide(facts("drop table orders"), List.of(guards(), strict)))
                .isInstanceOf(Verdict.Deny.class)
                .extracting(v -> ((Verdict.Deny) v).policy())
                .isEqualTo("guards");
    }

    @Test
    void anObservingVersionThatDoesNotLoadStillStopsNothing() {
        PolicyStore.Attachment everyone = new PolicyStore.Attachment(TARGET, List.of(), List.of(), List.of());
        PolicyBook book = PolicyBook.of(
                1,
                List.of(
                        new PolicyStore.Stored(
                                "lenient", 1, "{\"name\": \"lenient\", \"rules\": []}", false, List.of(everyone)),
                        new PolicyStore.Stored(
                                "trial",
                                2,
                                "{\"name\": \"trial\", \"rules\": [{\"name\": \"half\", \"effect\": \"deny\","
                                        + " \"when\": \"kind ==\"}]}",
                                true,
                                List.of(everyone))));
        Verdict verdict = Decide.decide(
                facts("select * from orders"),
                book.forAgent(TARGET, new AgentFacts("support-copilot", List.of("llm"), "owner", "", "")));

        assertThat(verdict).isInstanceOfSatisfying(Verdict.Allow.class, a -> {
            assertThat(a.policies()).isEqualTo("lenient v1, trial v2 (observe)");
            assertThat(a.observed()).isInstanceOfSatisfying(Verdict.Deny.class, d -> assertThat(d.rule())
                    .isEqualTo("policy-invalid"));
        });
    }

    static final List<Rule> CAPPED = List.of(
            new Rule("no-truncate", Effect.DENY, "command == 'TruncateStmt'", "truncating is not allowed"),
            Rule.cap("cap-writes", "kind == 'write'", 1000, "at most 1000 rows"),
            Rule.cap("cap-orders-tightly", "'public.orders' in writes && command == 'DeleteStmt'", 10, ""),
            new Rule("review-ddl", Effect.REVIEW, "kind == 'ddl'", "schema changes need an approval"));

    /**
     * Caps decide nothing: a denied or reviewed statement stays so, wherever the cap stands; an
     * allowed one that changes rows gets the tightest cap that matches; one whose changed rows
     * PostgreSQL does not count is held for review under the cap's rule.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            select * from orders                                           | allow          |
            update orders set total = 0 where id > 0                       | cap 1000       | cap-writes
            insert into orders select * from orders                        | cap 1000       | cap-writes
            merge into orders o using orders s on o.id = s.id when matched then delete | cap 1000 | cap-writes
            delete from orders where id > 0                                | cap 10         | cap-orders-tightly
            execute purge(1)                                               | cap 1000       | cap-writes
            truncate orders                                                | deny           | no-truncate
            create table notes (id int)                                    | review         | review-ddl
            with d as (delete from orders returning *) select count(*) from d | review      | cap-writes
            with d as (delete from orders returning *) insert into orders select * from d | review | cap-writes
            explain analyze update orders set total = 0                    | review         | cap-writes
            explain update orders set total = 0                            | allow          |
            explain analyze execute purge(1)                               | review         | cap-writes
            copy orders from stdin                                         | review         | cap-writes
            """)
    void capsGoWithAnAllowAndOnlyOnWhatPostgresCounts(String sql, String verdict, String rule) throws Exception {
        Verdict v = Decide.decide(facts(sql), List.of(Policy.compile("capped", 2, CAPPED)));
        String label =
                switch (v) {
                    case Verdict.Allow a
                    when a.cap() != null -> "cap " + a.cap().rows();
                    case Verdict.Allow a -> "allow";
                    case Verdict.Review r -> "review";
                    case Verdict.Deny d -> "deny";
                };
        assertThat(label).isEqualTo(verdict);
        String named =
                switch (v) {
                    case Verdict.Allow a -> a.cap() == null ? null : a.cap().rule();
                    case Verdict.Review r -> r.rule();
                    case Verdict.Deny d -> d.rule();
                };
        assertThat(named).isEqualTo(rule);
    }

    @Test
    void theTightestCapOfTheEnforcingPoliciesHoldsAndAnObservingOnesCapsNothing() throws Exception {
        Policy loose = Policy.compile("loose", 1, List.of(Rule.cap("loose-cap", "true", 500, "")));
        Policy tight = Policy.compile("tight", 4, List.of(Rule.cap("tight-cap", "kind == 'write'", 20, "")));
        Policy observed = Policy.compile("watch", 1, List.of(Rule.cap("watch-cap", "true", 1, "")))
                .observing(true);
        String sql = "update orders set total = 0 where id > 0";

        Verdict both = Decide.decide(facts(sql), List.of(loose, tight, observed));
        Verdict alone = Decide.decide(facts(sql), List.of(loose, observed));

        assertThat(((Verdict.Allow) both).cap()).isEqualTo(new RowCap("tight", 4, "tight-cap", 20, ""));
        assertThat(((Verdict.Allow) alone).cap().rows()).isEqualTo(500);
    }

    @Test
    void aCapThatCannotBeEvaluatedDenies() throws Exception {
        Policy broken = Policy.compile("p", 1, List.of(Rule.cap("odd", "size(reads) / 0 > 1", 5, "")));

        Verdict v = Decide.decide(facts("update orders set total = 1 where id = 2"), List.of(broken));

        assertThat(v).isInstanceOfSatisfying(Verdict.Deny.class, d -> assertThat(d.rule())
                .isEqualTo("odd"));
    }

    @Test
    void whatAnAgentIsToldNamesTheCountTheCapAndWhatIsNotCounted() {
        RowCap cap = new RowCap("baseline", 3, "cap-changed-rows", 1000, "at most 1,000 rows");

        assertThat(cap.exceeded(5000))
                .isEqualTo("the statement would change 5,000 rows, more than the 1,000 that Vigil policy 'baseline',"
                        + " rule 'cap-changed-rows' allows: rolled back, nothing changed (at most 1,000 rows). The"
                        + " count is the statement's own rows: rows changed by cascades, triggers and rules are not"
                        + " in it.");
    }
}
