package io.vigil.review.policies;

import io.vigil.proxy.policy.AgentFacts;
import io.vigil.proxy.policy.Decide;
import io.vigil.proxy.policy.Policy;
import io.vigil.proxy.policy.StatementFacts;
import io.vigil.proxy.policy.Verdict;
import io.vigil.proxy.sql.SqlAnalysis;
import io.vigil.proxy.sql.StatementShape;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A draft policy run over what agents really sent, as the trail recorded it: what it would have
 * denied or held for review, by agent and rule, with examples. Nothing runs at the target. Each
 * statement is read again from its recorded text (the parse tree gives its traits, settings and
 * columns) with the relations as the gateway resolved them then, its agent as it is now and the time
 * it ran. A statement the draft caps is found if the rows it changed, as recorded, are more than
 * the cap. What only the live session knew is not replayed: whether it ran inside a transaction
 * (taken as not), and what its function calls resolved to in the target's catalog.
 */
final class DraftReplay {

    /** Examples kept per agent and rule. */
    static final int EXAMPLES = 3;

    /** One recorded statement. */
    record Recorded(
            String agent,
            AgentFacts facts,
            String sql,
            String protocol,
            List<String> reads,
            List<String> writes,
            OffsetDateTime at,
            java.util.UUID target,
            Long rowCount) {

        Recorded(
                String agent,
                AgentFacts facts,
                String sql,
                String protocol,
                List<String> reads,
                List<String> writes,
                OffsetDateTime at) {
            this(agent, facts, sql, protocol, reads, writes, at, null, null);
        }
    }

    /**
     * What the draft would have done to one agent's statements by one rule.
     *
     * @param effect deny, review, or cap (it ran and changed more rows than the draft's cap: it
     *     would have been rolled back)
     */
    record Finding(String agent, String effect, String rule, int statements, List<String> examples) {}

    /**
     * @param replayed statements judged
     * @param unreadable recorded statements the parser refuses (the gateway refused them too)
     * @param capped whether only the newest statements of the period were read
     */
    record Result(int replayed, int unreadable, List<Finding> findings, boolean capped) {

        Result capped(boolean cut) {
            return new Result(replayed, unreadable, findings, cut);
        }

        int denied() {
            return count("deny");
        }

        int held() {
            return count("review");
        }

        int rolledBack() {
            return count("cap");
        }

        private int count(String effect) {
            return findings.stream()
                    .filter(f -> f.effect().equals(effect))
                    .mapToInt(Finding::statements)
                    .sum();
        }
    }

    private DraftReplay() {}

    static Result replay(Policy draft, List<Recorded> recorded, Function<String, SqlAnalysis> analyzer) {
        Map<List<String>, Finding> findings = new LinkedHashMap<>();
        int replayed = 0;
        int unreadable = 0;
        for (Recorded r : recorded) {
            if (!(analyzer.apply(r.sql()) instanceof SqlAnalysis.Understood understood)
                    || understood.statements().isEmpty()) {
                unreadable++;
                continue;
            }
            replayed++;
            StatementShape shape = understood.statements().getFirst().withRelations(r.reads(), r.writes());
            Verdict verdict = Decide.decide(
                    StatementFacts.of(shape, r.protocol(), false, r.facts(), r.at().toInstant()), List.of(draft));
            String effect;
            String rule;
            switch (verdict) {
                case Verdict.Deny d -> {
                    effect = "deny";
                    rule = d.rule();
                }
                case Verdict.Review v -> {
                    effect = "review";
                    rule = v.rule();
                }
                case Verdict.Allow a
                when a.cap() != null
                        && r.rowCount() != null
                        && r.rowCount() > a.cap().rows() -> {
                    effect = "cap";
                    rule = a.cap().rule();
                }
                case Verdict.Allow a -> {
                    continue;
                }
            }
            List<String> key = List.of(r.agent(), effect, rule);
            Finding before = findings.get(key);
            List<String> examples = new ArrayList<>(before == null ? List.of() : before.examples());
            if (examples.size() < EXAMPLES && !examples.contains(r.sql())) {
                examples.add(r.sql());
            }
            findings.put(
                    key, new Finding(r.agent(), effect, rule, before == null ? 1 : before.statements() + 1, examples));
        }
        List<Finding> sorted = new ArrayList<>(findings.values());
        sorted.sort((a, b) -> b.statements() != a.statements()
                ? Integer.compare(b.statements(), a.statements())
                : (a.agent() + a.rule()).compareTo(b.agent() + b.rule()));
        return new Result(replayed, unreadable, List.copyOf(sorted), false);
    }
}
