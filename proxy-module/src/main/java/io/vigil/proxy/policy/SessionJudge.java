package io.vigil.proxy.policy;

import io.vigil.proxy.sql.StatementShape;
import java.util.List;
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

    @Override
    public Verdict judge(StatementShape resolved, String protocol) {
        PolicyBook now = policies.book();
        if (now != book) {
            applied = now.forAgent(target, agent);
            book = now;
        }
        return Decide.decide(StatementFacts.of(resolved, protocol, inTransaction.getAsBoolean(), agent), applied);
    }
}
