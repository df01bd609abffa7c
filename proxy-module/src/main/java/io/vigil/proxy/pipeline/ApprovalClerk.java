package io.vigil.proxy.pipeline;

import io.vigil.proxy.approval.ApprovalDesk;
import io.vigil.proxy.approval.ApprovalTrail;
import io.vigil.proxy.approval.Approvals;
import io.vigil.proxy.approval.StandingApprovals;
import io.vigil.proxy.audit.AuditSink;
import io.vigil.proxy.audit.TrailChain;
import io.vigil.proxy.directory.AgentLogin;
import io.vigil.proxy.policy.ApprovalTerms;
import io.vigil.proxy.policy.Verdict;
import io.vigil.proxy.session.LiveSessions;
import io.vigil.proxy.session.Reviews;
import io.vigil.proxy.session.Session;
import io.vigil.proxy.sql.SessionRelations;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * One session's dealings with approvals: it writes the requests, says in the store and the trail
 * what became of them, and answers the statement tracker for statements that cannot wait in the
 * session (see {@link Reviews}). On the session's event loop; the store is written on {@code
 * blocking}, each request's closing after its filing.
 *
 * <pre>
 *   client                      Vigil                          store          approver
 *     | begin; update t ...       | review, inside a transaction  |               |
 *     |-------------------------->|--- approval_request (held=f)->|               |
 *     |<-- 42501 "request <id>" --|                               |<-- approve ---|
 *     |                           |<-- decision (within 1 s) -----|               |
 *     | rollback; begin;          |                               |               |
 *     | update t ... (the same)   | the approval, used once       |               |
 *     |-------------------------->|--- state 'used', its seq ---->|               |
 *     |                           |--------------------------------------------------> target
 * </pre>
 */
final class ApprovalClerk implements Reviews {

    /** The most statements of one agent that may wait for a person (in this gateway) at once. */
    static final int MAX_WAITING_PER_AGENT = 5;

    private final Session session;
    private final Approvals approvals;
    private final LiveSessions live;
    private final AuditSink audit;
    private final Executor blocking;
    private final InstantSource clock;
    /** The last request's filing, which its closing follows (the two run on other threads). */
    private CompletableFuture<Void> filed = CompletableFuture.completedFuture(null);

    ApprovalClerk(Session session, GatewayContext context) {
        this.session = session;
        this.approvals = context.approvals();
        this.live = context.liveSessions();
        this.audit = context.audit();
        this.blocking = context.blocking();
        this.clock = context.clock();
    }

    Approvals approvals() {
        return approvals;
    }

    /** How many statements of this session's agent wait for a person now, in sessions or refused. */
    long waitingOfAgent() {
        UUID agent = session.agent().agentId();
        long held = live.of(agent).stream()
                .filter(other -> other.heldRequest() != null)
                .count();
        return held + approvals.retries().undecidedOf(agent);
    }

    /** A request for {@code review} of this statement, as this session has it now. */
    ApprovalDesk.Request request(
            Verdict.Review review, String text, List<String> values, List<String> shown, boolean held) {
        Instant now = clock.instant();
        AgentLogin agent = session.agent();
        ApprovalTerms terms = review.terms();
        return new ApprovalDesk.Request(
                UUID.randomUUID(),
                session.id(),
                agent.agentId(),
                agent.target().id(),
                session.onBehalfOf(),
                session.task(),
                review.policy(),
                review.version(),
                review.rule(),
                review.message(),
                text,
                shown,
                binding(text, values),
                held,
                now,
                now.plus(terms.within() == null ? approvals.limit() : terms.within()),
                terms.by(),
                terms.distinct());
    }

    /**
     * Files {@code request} in the store; {@code failed} runs on the session's event loop if it
     * cannot be (the store is unreachable, or the gateway is shutting down).
     */
    void file(ApprovalDesk.Request request, Runnable failed, java.util.concurrent.Executor eventLoop) {
        try {
            filed = CompletableFuture.runAsync(() -> approvals.desk().file(request), blocking)
                    .whenComplete((ok, failure) -> {
                        if (failure != null) {
                            eventLoop.execute(failed);
                        }
                    });
        } catch (RejectedExecutionException e) {
            eventLoop.execute(failed);
        }
    }

    /** Keeps what Vigil did with {@code request} in the trail; false if the trail cannot take it. */
    boolean record(ApprovalDesk.Request request, String action, String detail) {
        return ApprovalTrail.record(
                audit, clock.instant(), request.id(), session.agent().name(), action, detail);
    }

    /** Says in the trail and the store what became of {@code request}; {@code seq} if it ran. */
    void close(ApprovalDesk.Request request, ApprovalDesk.Outcome outcome, Long seq) {
        close(request.id(), outcome, seq);
    }

    /** Links {@code request} to the statement it became in the trail, once the store has closed it. */
    void linked(ApprovalDesk.Request request, Long seq) {
        if (seq == null) {
            return;
        }
        afterFiling(() -> approvals.desk().linked(request.id(), seq));
    }

    private void close(UUID request, ApprovalDesk.Outcome outcome, Long seq) {
        Instant at = clock.instant();
        ApprovalTrail.closed(audit, at, request, session.agent().name(), outcome);
        // After its filing, whichever thread runs which: a close never lands before the row.
        afterFiling(() -> approvals.desk().close(request, outcome, at, seq));
    }

    /** Keeps what Vigil measured of {@code request}'s statement, in the trail and the store. */
    void measured(ApprovalDesk.Request request, ApprovalDesk.Measure measure) {
        record(request, "approval.measure", describe(measure));
        afterFiling(() -> approvals.desk().measured(request.id(), measure));
    }

    /** The trail's words for a measure: Vigil's own statements on the agent's session, and what they found. */
    static String describe(ApprovalDesk.Measure measure) {
        List<String> said = new java.util.ArrayList<>();
        if (measure.plan() != null) {
            said.add("EXPLAIN as the agent's role"
                    + (measure.estimatedRows() == null
                            ? ""
                            : ": the planner estimates " + measure.estimatedRows() + " rows"));
        }
        if (measure.exactRows() != null) {
            said.add("ran it in a transaction rolled back at once (statement_timeout " + BlastRadius.STATEMENT_TIMEOUT
                    + "): it would change " + measure.exactRows() + " rows");
        }
        if (!measure.note().isEmpty()) {
            said.add(measure.note());
        }
        return String.join("; ", said);
    }

    /**
     * Writes to the store after the request's filing, whichever threads run them: a close or a link
     * never lands before the row. A store that is unreachable leaves the row as it was.
     */
    private void afterFiling(Runnable write) {
        filed = filed.handleAsync(
                (ok, failed) -> {
                    try {
                        write.run();
                    } catch (RuntimeException e) {
                        // the store is unreachable: the trail has said what happened
                    }
                    return null;
                },
                blocking);
    }

    // ---- statements that cannot wait in the session ----

    @Override
    public UUID approved(Verdict.Review review, String text, List<String> values) {
        Instant now = clock.instant();
        StandingApprovals.Standing standing = approvals
                .standing()
                .use(
                        new StandingApprovals.Run(
                                session.agent().agentId(),
                                session.onBehalfOf(),
                                review.policy(),
                                review.rule(),
                                text,
                                values),
                        now);
        if (standing != null) {
            standingUsed.put(standing.id(), standing);
            return standing.id();
        }
        return approvals.retries().use(binding(text, values), now);
    }

    @Override
    public boolean standingFor(String text) {
        return approvals.standing().anyFor(session.agent().agentId(), text, clock.instant());
    }

    @Override
    public void ran(UUID approval, long seq) {
        StandingApprovals.Standing standing = standingUsed.remove(approval);
        if (standing == null) {
            Instant at = clock.instant();
            ApprovalTrail.closed(audit, at, approval, session.agent().name(), ApprovalDesk.Outcome.USED);
            UUID ranIn = session.id();
            afterFiling(() -> approvals.desk().used(approval, ranIn, seq, at));
            return;
        }
        // Counted in the store by the gateway's watcher; the trail says which statement it let run.
        ApprovalTrail.record(
                audit,
                clock.instant(),
                standing.id(),
                session.agent().name(),
                "approval.standing-use",
                "ran as statement " + seq + " of session " + session.id() + " under a standing approval"
                        + (standing.usesLeft() == null ? "" : " (" + (standing.usesLeft() - 1) + " runs left)"));
    }

    /** The standing approvals {@link #approved} handed out, until their statement is recorded. */
    private final Map<UUID, StandingApprovals.Standing> standingUsed = new java.util.HashMap<>();

    @Override
    public String refused(Verdict.Review review, String text, List<String> values, List<String> shown) {
        String binding = binding(text, values);
        ApprovalDesk.Request already = approvals.retries().undecided(binding);
        if (already != null) {
            return "it cannot wait for a person inside a transaction or a pipeline; " + approvals.link(already.id())
                    + " asks for one already: once approved, send it again";
        }
        long waiting = waitingOfAgent();
        if (waiting >= MAX_WAITING_PER_AGENT) {
            return tooMany(waiting);
        }
        ApprovalDesk.Request request = request(review, text, values, shown, false);
        String within = Approvals.inWords(request.limit());
        if (!record(
                request,
                "approval.request",
                "refused at once in session " + session.id() + " (it cannot wait inside a transaction or a"
                        + " pipeline); runs once on retry if approved within " + within
                        + ": policy " + review.policy() + " v" + review.version() + ", rule " + review.rule())) {
            return "it cannot wait for a person inside a transaction, and Vigil's trail cannot take a request now";
        }
        approvals.retries().filed(request, session.agent().name());
        file(request, () -> approvals.retries().forget(request.id()), Runnable::run);
        return "it cannot wait for a person inside a transaction or a pipeline; " + approvals.link(request.id())
                + " asks for one: once approved, send the same statement again within " + within
                + " and it runs once";
    }

    /** Why review means deny beyond the cap on waiting statements. */
    static String tooMany(long waiting) {
        return waiting + " statements of this agent already wait for a person, the most Vigil lets one agent have"
                + " waiting";
    }

    /**
     * What an approval is for: SHA-256 over the agent, the target, the text, the values, the
     * session's state (its search_path and the settings the target reports, such as the session's
     * user, time zone and application name) and the person the agent acts for.
     */
    String binding(String text, List<String> values) {
        MessageDigest sha = TrailChain.localSha256();
        AgentLogin agent = session.agent();
        SessionRelations relations = session.statements().relations();
        part(sha, agent.agentId().toString());
        part(sha, agent.target().id().toString());
        part(sha, text);
        part(sha, values == null ? "-" : String.valueOf(values.size()));
        if (values != null) {
            for (String value : values) {
                part(sha, value == null ? "\u0000NULL" : value);
            }
        }
        part(sha, relations == null ? "" : String.join(",", relations.path()));
        // Approved for one person's request, it is not for another's.
        part(sha, session.onBehalfOf());
        for (Map.Entry<String, String> setting : session.reportedSettings().entrySet()) {
            part(sha, setting.getKey() + "=" + setting.getValue());
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    private static void part(MessageDigest sha, String part) {
        byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
        sha.update(ByteBuffer.allocate(4).putInt(bytes.length).array());
        sha.update(bytes);
    }
}
