package io.vigil.proxy.policy;

import io.vigil.proxy.sql.StatementShape;
import java.time.InstantSource;
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
    private final InstantSource clock;
    /** The agent's policies in the book last used; looked up again when the book changes. */
    private PolicyBook book;

    private List<Policy> applied;
    /** Whether a rule of {@link #applied} reads the time. */
    private boolean readsTime;

    /**
     * @param inTransaction whether the session is inside an explicit transaction now
     * @param clock the time rules read
     */
    public SessionJudge(
            Policies policies, UUID target, AgentFacts agent, BooleanSupplier inTransaction, InstantSource clock) {
        this.policies = policies;
        this.target = target;
        this.agent = agent;
        this.inTransaction = inTransaction;
        this.clock = clock;
    }

    /**
     * Verdicts by the facts they were made from, while the book stands: a verdict is a pure function
     * of the facts and the policies, and a session repeats its statements. Not while a rule reads
     * the time: the same facts judged a minute later may fall on the other side of it. The facts hold the relations and function calls as resolved, so a changed catalog
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
            readsTime = applied.stream().anyMatch(Policy::readsTime);
            book = now;
            verdicts.clear();
        }
        boolean inTx = inTransaction.getAsBoolean();
        if (readsTime) {
            return Decide.decide(StatementFacts.of(resolved, protocol, inTx, agent, clock.instant()), applied);
        }
        StatementFacts facts = StatementFacts.of(resolved, protocol, inTx, agent, null);
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
