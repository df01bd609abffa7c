package io.vigil.proxy.policy;

import io.vigil.proxy.sql.StatementShape;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;

/**
 * Judges a session's statements by the policies in force for its agent now: a change in the store
 * applies to the next statement of every live session.
 */
public final class SessionJudge implements Judge {

    private final Policies policies;
    private final UUID target;
    private final AgentFacts agent;
    private final BooleanSupplier inTransaction;
    /** The agent's policies in the book last used; looked up again when the book changes. */
    private PolicyBook book;

    private List<Policy> applied;

    /** @param inTransaction whether the session is inside an explicit transaction now */
    public SessionJudge(Policies policies, UUID target, AgentFacts agent, BooleanSupplier inTransaction) {
        this.policies = policies;
        this.target = target;
        this.agent = agent;
        this.inTransaction = inTransaction;
    }

    /**
     * Verdicts by the facts they were made from, while the book stands: a verdict is a pure function
     * of the facts and the policies (no rule can read the time), and a session repeats its
     * statements. The facts hold the relations and function calls as resolved, so a changed catalog
     * or search path makes other facts, not a stale hit.
     */
    private final Map<StatementFacts, Verdict> verdicts = new HashMap<>();

    /** Kept verdicts at most; past it the cache starts over. */
    static final int MAX_KEPT = 128;

    @Override
    public Verdict judge(StatementShape resolved, String protocol) {
        PolicyBook now = policies.book();
        if (now != book) {
            applied = now.forAgent(target, agent);
            book = now;
            verdicts.clear();
        }
        StatementFacts facts = StatementFacts.of(resolved, protocol, inTransaction.getAsBoolean(), agent);
        Verdict verdict = verdicts.get(facts);
        if (verdict == null) {
            verdict = Decide.decide(facts, applied);
            if (verdicts.size() >= MAX_KEPT) {
                verdicts.clear();
            }
            verdicts.put(facts, verdict);
        }
        return verdict;
    }
}
