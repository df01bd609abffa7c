package io.vigil.proxy.session;

import io.vigil.proxy.audit.AuditEvent;
import io.vigil.proxy.audit.AuditEvent.Protocol;
import io.vigil.proxy.audit.AuditEvent.StatementCompleted;
import io.vigil.proxy.audit.AuditEvent.StatementStarted;
import io.vigil.proxy.audit.Judgement;
import io.vigil.proxy.audit.Outcome;
import io.vigil.proxy.audit.TrailChain;
import io.vigil.proxy.policy.ApprovalTerms;
import io.vigil.proxy.policy.Judge;
import io.vigil.proxy.policy.RowCap;
import io.vigil.proxy.policy.Verdict;
import io.vigil.proxy.protocol.SqlState;
import io.vigil.proxy.protocol.frontend.Bind;
import io.vigil.proxy.sql.Redaction;
import io.vigil.proxy.sql.SessionRelations;
import io.vigil.proxy.sql.SqlAnalysis;
import io.vigil.proxy.sql.SqlAnalysis.Refused;
import io.vigil.proxy.sql.SqlAnalysis.Understood;
import io.vigil.proxy.sql.StatementShape;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.LongSupplier;

/**
 * Follows one session's statements from the moment they are forwarded to their outcome. Pure logic:
 * the handlers feed it what they decoded on both sides, and it answers with the events to record.
 *
 * <p>Responses come back in the order requests went out, so a FIFO of pending work is enough to
 * match them. Each statement ends at its CommandComplete, EmptyQueryResponse, PortalSuspended or
 * ErrorResponse. After an error the server skips the rest of the simple Query, or everything up to
 * the next Sync: the statements queued before that point never ran. An error that arrives while an
 * Execute is pending may come from the Parse or Bind before it: it is still that statement's outcome.
 *
 * <p>A statement Vigil refuses is never forwarded. In its place goes a statement the target fails to
 * parse, so the target itself aborts the transaction and skips to the next Sync exactly as it would
 * have; its ErrorResponse is then replaced by Vigil's (see {@link #refusalAwaitingReply}).
 *
 * <p>It also keeps what changes a statement's meaning later: named prepared statements and portals
 * (protocol level), and PREPARE'd statements (SQL level), so an Execute or EXECUTE is recorded as
 * what it runs.
 */
public final class StatementTracker {

    private final UUID sessionId;
    private final InstantSource clock;
    private final LongSupplier nanoTime;
    private final boolean hashParameters;
    private final Redaction redaction;
    /** Resolves relation names as the target does; null: they are recorded as written. */
    private final SessionRelations relations;
    /** Says whether each statement may run, before it is recorded. */
    private final Judge judge;

    private final Map<String, Prepared> preparedStatements = new HashMap<>();
    private final Map<String, Portal> portals = new HashMap<>();
    private final Map<String, StatementShape> sqlPrepared = new HashMap<>();
    private final ArrayDeque<Pending> pending = new ArrayDeque<>();
    private long nextSeq = 1;
    private boolean midBatch;
    /**
     * The target failed a statement of the pipeline being sent and skips what comes until its Sync:
     * what is forwarded now does not run.
     */
    private boolean targetSkipsToSync;

    private long readyAtNanos;

    /**
     * @param hashParameters keep only a SHA-256 of bind parameters, not their values (per target)
     */
    public StatementTracker(UUID sessionId, InstantSource clock, LongSupplier nanoTime, boolean hashParameters) {
        this(sessionId, clock, nanoTime, hashParameters, Redaction.unkeyed());
    }

    /**
     * @param hashParameters keep only a SHA-256 of bind parameters, not their values (per target)
     * @param redaction clears secret parameters before they are recorded or hashed
     */
    public StatementTracker(
            UUID sessionId, InstantSource clock, LongSupplier nanoTime, boolean hashParameters, Redaction redaction) {
        this(sessionId, clock, nanoTime, hashParameters, redaction, null);
    }

    /**
     * @param relations resolves the relations statements name as the target does, null to record
     *     them as written
     */
    public StatementTracker(
            UUID sessionId,
            InstantSource clock,
            LongSupplier nanoTime,
            boolean hashParameters,
            Redaction redaction,
            SessionRelations relations) {
        this(sessionId, clock, nanoTime, hashParameters, redaction, relations, null);
    }

    /**
     * @param judge says whether each statement may run, its relations resolved; null to record
     *     without judging (statements carry no judgement)
     */
    public StatementTracker(
            UUID sessionId,
            InstantSource clock,
            LongSupplier nanoTime,
            boolean hashParameters,
            Redaction redaction,
            SessionRelations relations,
            Judge judge) {
        this.judge = judge;
        this.relations = relations;
        this.sessionId = sessionId;
        this.redaction = redaction;
        this.clock = clock;
        this.nanoTime = nanoTime;
        this.hashParameters = hashParameters;
        this.readyAtNanos = nanoTime.getAsLong();
    }

    private sealed interface Pending {}

    /** Ends a simple Query: its ReadyForQuery. */
    private record QueryEnd() implements Pending {}

    /** Ends an extended-protocol pipeline: the ReadyForQuery that answers a Sync. */
    private record SyncPoint() implements Pending {}

    /** The target's error for a substituted statement, to be replaced by this refusal. */
    private record RefusalReply(Refused refusal) implements Pending {}

    private static final class Running implements Pending {
        final StatementStarted started;
        final long startNanos;
        /** The most rows it may change, null if uncapped. */
        final RowCap cap;

        long dataRows;

        Running(StatementStarted started, long startNanos, RowCap cap) {
            this.started = started;
            this.startNanos = startNanos;
            this.cap = cap;
        }
    }

    /**
     * A Parse, kept by name. Its relations are resolved when it runs, as PostgreSQL re-analyses a
     * prepared statement whose search_path changed; the resolution is kept while it stands.
     */
    private static final class Prepared {
        final String sql;
        final StatementShape shape;
        final Refused refusal;
        private StatementShape resolved;
        private long resolvedAt = -1;
        /** What policy said of it at Parse; null if not judged. */
        Judgement judgement;
        /** How many more times it runs although policy sends it for review: a person approved it. */
        int approvedRuns;
        /** The values it was approved with (null: approved with none seen); its run must bind these. */
        List<String> approvedValues;

        Prepared(String sql, StatementShape shape, Refused refusal) {
            this.sql = sql;
            this.shape = shape;
            this.refusal = refusal;
        }

        String sql() {
            return sql;
        }

        StatementShape resolved(SessionRelations relations) {
            if (relations == null || shape == null) {
                return shape;
            }
            if (resolvedAt != relations.version()) {
                resolved = relations.resolve(shape);
                resolvedAt = relations.version();
            }
            return resolved;
        }
    }

    private static final class Portal {
        final Prepared prepared;
        final List<String> parameters;
        /** It runs as a person approved it: a later Execute of it (after PortalSuspended) goes on. */
        boolean approved;

        Portal(Prepared prepared, List<String> parameters) {
            this.prepared = prepared;
            this.parameters = parameters;
        }

        Prepared prepared() {
            return prepared;
        }

        List<String> parameters() {
            return parameters;
        }
    }

    /**
     * What to do with a Query or a Parse.
     *
     * @param events what to record before it goes
     * @param refusal why it does not go as sent (a substitute goes instead, see {@link
     *     #refusalAwaitingReply}); null if it goes
     * @param cap the most rows it may change, null if uncapped: its answer is then held until its
     *     count is known (see {@link #cappedHead})
     * @param held the review it waits for: nothing of it is recorded or sent yet (see {@link
     *     #query(Understood, boolean)}); null if it goes or is refused
     */
    public record Forwarding(List<AuditEvent> events, Refused refusal, RowCap cap, Verdict.Review held) {
        public Forwarding(List<AuditEvent> events, Refused refusal) {
            this(events, refusal, null, null);
        }

        public Forwarding(List<AuditEvent> events, Refused refusal, RowCap cap) {
            this(events, refusal, cap, null);
        }
    }

    /** Asked about statements sent for review that cannot wait in the session; null: refused as such. */
    private Reviews reviews;

    /** The next query given is the one a person approved: what policy sends for review runs. */
    private boolean approvedNext;
    /** The values the next approved Parse's statement was approved with. */
    private List<String> approvedValues;
    /** An approved Parse's statement, runnable once until the pipeline's Sync. */
    private Prepared approvedInPipeline;

    /**
     * Statements policy sends for review that cannot wait in the session are refused with a request
     * to {@code reviews}, and run once on retry if a person approved it meanwhile.
     */
    public void reviewsBy(Reviews reviews) {
        this.reviews = reviews;
    }

    /**
     * The next simple Query or Parse given was approved by a person: judged again (policies and the
     * catalog may have changed while it waited), it runs unless something now denies it (a Parse's
     * statement, at its first Execute).
     */
    public void approveNext() {
        approveNext(null);
    }

    /** As {@link #approveNext()}, for a Parse whose statement must run with exactly {@code values}. */
    public void approveNext(List<String> values) {
        approvedNext = true;
        approvedValues = values;
    }

    // ---- frontend: what the client sent ----

    /**
     * A simple Query the gateway understood: every statement judged, its relations resolved as
     * the statements before it leave them. If all may run, one start event per statement; if any
     * may not, none of them runs (the most severe verdict names why), each recorded as refused.
     */
    public Forwarding query(Understood understood) {
        return query(understood, false);
    }

    /**
     * @param mayHold whether a query policy sends for review may wait in the session for a person
     *     (then it comes back {@link Forwarding#held}, nothing of it kept, to be given again once
     *     decided); else it is refused
     */
    public Forwarding query(Understood understood, boolean mayHold) {
        boolean approved = approvedNext;
        approvedNext = false;
        List<StatementShape> shapes = understood.statements();
        Map<String, StatementShape> preparedBefore =
                shapes.stream().anyMatch(s -> s.isPrepare() || s.isDeallocate()) ? new HashMap<>(sqlPrepared) : null;
        if (relations != null) {
            relations.queryStarts(shapes.size());
        }
        List<StatementShape> resolved = new ArrayList<>(shapes.size());
        List<Verdict> verdicts = new ArrayList<>(shapes.size());
        Verdict verdict = null;
        int stopping = -1;
        for (StatementShape shape : shapes) {
            StatementShape r = resolve(resolveSqlPrepared(shape));
            resolved.add(r);
            Verdict v = judge == null ? UNJUDGED : judge.judge(r, "simple");
            if (shapes.size() > 1 && v instanceof Verdict.Allow a && a.cap() != null) {
                v = a.cap().alone();
            }
            verdicts.add(v);
            if (verdict == null || v.severity() > verdict.severity()) {
                verdict = v;
                stopping = v.severity() > 0 ? resolved.size() - 1 : -1;
            } else if (verdict instanceof Verdict.Review first && v instanceof Verdict.Review second) {
                verdict = first.withTerms(ApprovalTerms.strictest(first.terms(), second.terms()));
            }
            ran(r);
        }
        if (relations != null) {
            relations.queryEnds();
        }
        midBatch = false;
        if (approved && verdict instanceof Verdict.Review) {
            stopping = -1; // what a person approved runs, its verdicts recorded as review
        }
        UUID retried = null;
        String refusal = stopping >= 0 ? verdicts.get(stopping).explanation() : null;
        if (stopping >= 0 && verdict instanceof Verdict.Review review && reviews != null) {
            // Approved already (standing, or after an earlier refusal), it runs; else it waits if it
            // may, or is refused at once with a request.
            String text =
                    String.join(";\n", shapes.stream().map(StatementShape::text).toList());
            if (shapes.stream().anyMatch(StatementShape::redacted)) {
                refusal = review.notRun(SECRET_NOT_SHOWN); // the handler says so too if it may wait
            } else if ((retried = reviews.approved(review, text, null)) != null) {
                stopping = -1;
            } else if (!mayHold) {
                refusal = review.notRun(reviews.refused(review, text, null, null));
            }
        }
        boolean hold = stopping >= 0 && mayHold && verdict instanceof Verdict.Review;
        if (stopping >= 0) {
            if (preparedBefore != null) {
                sqlPrepared.clear();
                sqlPrepared.putAll(preparedBefore);
            }
            if (relations != null) {
                relations.refused();
            }
            if (hold) {
                return new Forwarding(List.of(), null, null, (Verdict.Review) verdict);
            }
            Forwarding refused = refuseAll(resolved, verdicts, stopping, refusal);
            pending.add(new QueryEnd());
            return refused;
        }
        List<AuditEvent> events = new ArrayList<>(resolved.size());
        for (int i = 0; i < resolved.size(); i++) {
            StatementShape r = resolved.get(i);
            // An EXECUTE's text is its own, its arguments redacted if they are bound to a secret.
            events.add(start(r.text(), Protocol.SIMPLE, r, null, verdicts.get(i)));
        }
        pending.add(new QueryEnd());
        if (retried != null) {
            reviews.ran(retried, ((StatementStarted) events.getFirst()).seq());
        }
        // Only ever one statement: a capped one among others is held for review (see RowCap#alone).
        return new Forwarding(events, null, targetSkipsToSync ? null : capOf(verdict));
    }

    /**
     * Statements a verdict stops: each recorded as started and refused at once; the one that
     * stopped them says why (policy, rule, reason), the others that they went with it.
     */
    private Forwarding refuseAll(List<StatementShape> resolved, List<Verdict> verdicts, int stopping, String message) {
        Refused refusal = new Refused(SqlState.INSUFFICIENT_PRIVILEGE, message, 0);
        Instant now = clock.instant();
        List<AuditEvent> events = new ArrayList<>(2 * resolved.size());
        for (int i = 0; i < resolved.size(); i++) {
            StatementShape r = resolved.get(i);
            // Without its shape: usage would count the relations it names as used, and an access
            // review would keep a privilege for a statement that never ran.
            StatementStarted started = new StatementStarted(
                    sessionId, nextSeq++, now, r.text(), Protocol.SIMPLE, null, null, null, judgement(verdicts.get(i)));
            String why = i == stopping
                    ? refusal.message()
                    : "not run: statement " + (stopping + 1) + " of the same query was stopped by policy";
            events.add(started);
            events.add(
                    new StatementCompleted(sessionId, started.seq(), now, 0, Outcome.refused(refusal.sqlState(), why)));
        }
        pending.add(new RefusalReply(refusal));
        return new Forwarding(events, refusal);
    }

    /**
     * A simple Query the gateway refuses: it is recorded as started and refused at once, and the
     * target's answer to the substitute is to be replaced with the refusal.
     */
    public Forwarding refuseQuery(String sql, Refused refused) {
        List<AuditEvent> events = refuse(refused.recorded(sql), Protocol.SIMPLE, refused);
        pending.add(new QueryEnd());
        return new Forwarding(events, refused);
    }

    /**
     * A Parse: judged now, as PostgreSQL would run it now, and remembered under its name; a refused
     * or stopped one is recorded now, as refused (what follows it up to Sync is then skipped).
     */
    public Forwarding parse(String statement, String sql, SqlAnalysis analysis) {
        return parse(statement, sql, analysis, false);
    }

    /**
     * @param mayHold whether a Parse policy sends for review may wait in the session for a person
     *     (then it comes back {@link Forwarding#held}, nothing of it kept, to be given again once
     *     decided); else it is refused. Approved, the statement may run once: its first Execute.
     */
    public Forwarding parse(String statement, String sql, SqlAnalysis analysis, boolean mayHold) {
        boolean approved = approvedNext;
        approvedNext = false;
        List<String> values = approvedValues;
        approvedValues = null;
        boolean batchBefore = midBatch;
        midBatch = true;
        if (analysis instanceof Refused refused) {
            String recorded = refused.recorded(sql);
            preparedStatements.put(statement, new Prepared(recorded, null, refused));
            return new Forwarding(refuse(recorded, Protocol.EXTENDED, refused), refused);
        }
        List<StatementShape> shapes = ((Understood) analysis).statements();
        // More than one statement in a Parse: the target refuses it; it is recorded as the first.
        StatementShape shape = shapes.isEmpty() ? null : resolveSqlPrepared(shapes.getFirst());
        String recorded;
        if (shapes.size() == 1 && shape.redacted()) {
            recorded = shape.text(); // an EXECUTE's arguments too, if they are bound to a secret
        } else if (shapes.stream().anyMatch(StatementShape::redacted)) {
            recorded =
                    String.join(";\n", shapes.stream().map(StatementShape::text).toList());
        } else {
            recorded = sql;
        }
        Prepared prepared = new Prepared(recorded, shape, null);
        Verdict verdict =
                shape == null || judge == null ? UNJUDGED : judge.judge(prepared.resolved(relations), "extended");
        prepared.judgement = judgement(verdict);
        if (verdict instanceof Verdict.Review review && approved) {
            // Once, in this pipeline, with the values the approver saw.
            prepared.approvedRuns = 1;
            prepared.approvedValues = values;
            approvedInPipeline = prepared;
        } else if (verdict instanceof Verdict.Review review
                && mayHold
                && (reviews == null || !reviews.standingFor(shape.text()))) {
            midBatch = batchBefore; // it has not gone
            return new Forwarding(List.of(), null, null, review);
        } else if (verdict instanceof Verdict.Review && reviews != null && !shape.redacted()) {
            // Decided at its Execute, where its values are known: approved by then, or refused with a
            // request (see #execute). A Parse alone runs nothing.
        } else if (verdict.severity() > 0) {
            Refused refusal = stopped(verdict);
            preparedStatements.put(statement, new Prepared(recorded, null, refusal));
            return new Forwarding(refuse(recorded, Protocol.EXTENDED, refusal, prepared.judgement), refusal);
        }
        preparedStatements.put(statement, prepared);
        return new Forwarding(List.of(), null);
    }

    public void bind(String portal, String statement, List<String> parameters) {
        midBatch = true;
        Prepared prepared = preparedStatements.get(statement);
        if (prepared == null && sqlPrepared.containsKey(statement)) {
            // One namespace: a Bind runs a statement prepared with SQL PREPARE as well.
            StatementShape sql = sqlPrepared.get(statement);
            prepared = new Prepared(sql.text(), sql, null);
        } else if (prepared == null) {
            prepared = new Prepared("-- unknown prepared statement \"" + statement + "\"", null, null);
        }
        portals.put(portal, new Portal(prepared, parameters));
    }

    /** An Execute is about to be forwarded: it runs the statement its portal was bound from. */
    public Forwarding execute(String portal) {
        midBatch = true;
        Portal p = portals.get(portal);
        if (p == null) {
            return new Forwarding(
                    List.of(start(
                            "-- unknown portal \"" + portal + "\"", Protocol.EXTENDED, null, List.of(), null, null)),
                    null);
        }
        Prepared prepared = p.prepared();
        StatementShape resolved = prepared.resolved(relations);
        if (judge != null && resolved != null) {
            // Judged again as it runs now: the policies, the catalog or the path may have changed
            // since its Parse (a client's statement cache keeps a Parse for the whole session).
            Verdict verdict = judge.judge(resolved, "extended");
            UUID retried = null;
            if (verdict instanceof Verdict.Review && p.approved) {
                // The same portal again after PortalSuspended: the run a person approved goes on.
            } else if (verdict instanceof Verdict.Review
                    && prepared.approvedRuns > 0
                    && java.util.Objects.equals(
                            p.parameters(), prepared.approvedValues == null ? List.of() : prepared.approvedValues)) {
                prepared.approvedRuns--; // once, as approved
                p.approved = true;
            } else if (verdict instanceof Verdict.Review review && reviews != null) {
                String why = unapprovable(prepared.shape, p.parameters());
                if (why == null) {
                    retried = reviews.approved(review, prepared.shape.text(), p.parameters());
                }
                if (retried == null) {
                    return refuseExecute(
                            prepared, verdict, review.notRun(why != null ? why : requestFor(review, prepared, p)));
                }
                p.approved = true;
            } else if (verdict.severity() > 0) {
                return refuseExecute(prepared, verdict, verdict.explanation());
            }
            StatementStarted started = start(prepared.sql(), Protocol.EXTENDED, resolved, p.parameters(), verdict);
            if (retried != null) {
                reviews.ran(retried, started.seq());
            }
            ran(resolved);
            // What the target skips changes nothing: there is no count to wait for.
            return new Forwarding(List.of(started), null, targetSkipsToSync ? null : capOf(verdict));
        }
        StatementStarted started =
                start(prepared.sql(), Protocol.EXTENDED, resolved, p.parameters(), prepared.judgement, null);
        ran(resolved);
        return new Forwarding(List.of(started), null);
    }

    /**
     * Why a prepared statement sent for review did not run: a request for a person's approval is
     * filed, unless its text or values hold a secret an approver would not be shown.
     */
    private String requestFor(Verdict.Review review, Prepared prepared, Portal p) {
        List<String> values = p.parameters();
        return reviews.refused(review, prepared.shape.text(), values, hashParameters ? null : values);
    }

    /**
     * Why a statement with these values cannot be put to a person, null if it can: its text or
     * values hold a secret an approver is never shown, or a value is too long to be shown whole.
     */
    public String unapprovable(StatementShape shape, List<String> values) {
        if (shape != null && shape.redacted() || values != null && redaction.parameters(values, Set.of()) != values) {
            return SECRET_NOT_SHOWN;
        }
        if (values != null && values.stream().anyMatch(Bind::cut)) {
            return "a value is too long for an approver to see whole";
        }
        return null;
    }

    /** Why a statement whose text or values hold a secret is never put to a person. */
    public static final String SECRET_NOT_SHOWN = "its text or values hold a secret, which an approver is never shown";

    /** An Execute its statement's verdict now stops: recorded as refused, its answer to be replaced. */
    private Forwarding refuseExecute(Prepared prepared, Verdict verdict, String message) {
        Refused refusal = new Refused(SqlState.INSUFFICIENT_PRIVILEGE, message, 0);
        return new Forwarding(refuse(prepared.sql(), Protocol.EXTENDED, refusal, judgement(verdict)), refusal);
    }

    /** What the agent is told of a verdict that stops its statement. */
    private static Refused stopped(Verdict verdict) {
        return new Refused(SqlState.INSUFFICIENT_PRIVILEGE, verdict.explanation(), 0);
    }

    private StatementShape resolve(StatementShape shape) {
        return relations == null ? shape : relations.resolve(shape);
    }

    private void ran(StatementShape resolved) {
        if (relations != null) {
            relations.ran(resolved);
        }
    }

    /** Whether the client has an unnamed prepared statement the target still keeps (a simple Query drops it). */
    public boolean unnamedStatementKept() {
        return preparedStatements.containsKey("");
    }

    /** The session's relation resolver, null if relations are recorded as written. */
    public SessionRelations relations() {
        return relations;
    }

    /** A Describe or Flush went: part of an extended-protocol pipeline. */
    public void partOfBatch() {
        midBatch = true;
    }

    /**
     * Whether extended-protocol messages went since the last Sync (or simple Query): the target
     * is part-way through a pipeline, so no query of the gateway's own may go in now.
     */
    public boolean midBatch() {
        return midBatch;
    }

    public void closeStatement(String statement) {
        midBatch = true;
        preparedStatements.remove(statement);
    }

    public void closePortal(String portal) {
        midBatch = true;
        portals.remove(portal);
    }

    public void sync() {
        midBatch = false;
        targetSkipsToSync = false;
        if (approvedInPipeline != null) {
            approvedInPipeline.approvedRuns = 0; // an approval is for the pipeline it waited in
            approvedInPipeline = null;
        }
        pending.add(new SyncPoint());
    }

    /** Nothing sent is waiting for an answer: the next reply the client gets is for what comes next. */
    public boolean idle() {
        return pending.isEmpty();
    }

    /** The statement the target is working on (the oldest forwarded, unanswered), 0 if none. */
    public long running() {
        for (Pending p : pending) {
            if (p instanceof Running r) {
                return r.started.seq();
            }
        }
        return 0;
    }

    /**
     * When the target last said it was ready for a query (or the tracker began), on the clock it
     * was made with: where a session's quiet starts once nothing is in flight.
     */
    public long readyAtNanos() {
        return readyAtNanos;
    }

    /** Statements forwarded whose outcome is not known yet. */
    public int inFlight() {
        return (int) pending.stream().filter(Running.class::isInstance).count();
    }

    private List<AuditEvent> refuse(String sql, Protocol protocol, Refused refused) {
        return refuse(sql, protocol, refused, null);
    }

    /**
     * A statement recorded as started and refused at once, without its shape (see {@link
     * #refuseAll}); the target's answer to its substitute is to be replaced with {@code refused}.
     */
    private List<AuditEvent> refuse(String sql, Protocol protocol, Refused refused, Judgement judgement) {
        Instant now = clock.instant();
        StatementStarted started =
                new StatementStarted(sessionId, nextSeq++, now, sql, protocol, null, null, null, judgement);
        pending.add(new RefusalReply(refused));
        return List.of(
                started,
                new StatementCompleted(
                        sessionId, started.seq(), now, 0, Outcome.refused(refused.sqlState(), refused.message())));
    }

    private static RowCap capOf(Verdict verdict) {
        return verdict instanceof Verdict.Allow a ? a.cap() : null;
    }

    /** A statement that runs as {@code verdict} says, its changed rows capped if it says so. */
    private StatementStarted start(
            String sql, Protocol protocol, StatementShape shape, List<String> bound, Verdict verdict) {
        return start(sql, protocol, shape, bound, judgement(verdict), capOf(verdict));
    }

    private StatementStarted start(
            String sql, Protocol protocol, StatementShape shape, List<String> bound, Judgement judgement, RowCap cap) {
        boolean hasParameters = bound != null && !bound.isEmpty();
        List<String> parameters = hasParameters
                ? redaction.parameters(bound, shape == null ? Set.of() : shape.secretParameters())
                : bound;
        StatementStarted started = new StatementStarted(
                sessionId,
                nextSeq++,
                clock.instant(),
                sql,
                protocol,
                shape,
                hasParameters && !hashParameters ? parameters : null,
                hasParameters && hashParameters ? hash(parameters) : null,
                judgement);
        pending.add(new Running(started, nanoTime.getAsLong(), targetSkipsToSync ? null : cap));
        return started;
    }

    /** What a tracker without a judge records: no judgement. */
    private static final Verdict UNJUDGED = new Verdict.Allow(null);

    private Verdict.Allow lastAllow;
    private Judgement lastAllowJudgement;

    /** What an observing policy would have done, as the trail keeps it. */
    private static Judgement.Observation observation(Verdict observed) {
        return switch (observed) {
            case Verdict.Review r ->
                new Judgement.Observation(Judgement.Effect.REVIEW, r.policy() + " v" + r.version(), r.rule());
            case Verdict.Deny d ->
                new Judgement.Observation(Judgement.Effect.DENY, d.policy() + " v" + d.version(), d.rule());
            case Verdict.Allow a -> null;
        };
    }

    /** The trail's form of a verdict; an allow by the same policies is made once. */
    private Judgement judgement(Verdict verdict) {
        return switch (verdict) {
            case Verdict.Allow a when a == UNJUDGED -> null;
            case Verdict.Allow a
            when a.observed() != null || a.cap() != null ->
                new Judgement(
                        Judgement.Effect.ALLOW,
                        a.policies(),
                        a.cap() == null ? null : a.cap().rule(),
                        a.observed() == null ? null : observation(a.observed()));
            case Verdict.Allow a -> {
                if (a != lastAllow) {
                    lastAllow = a;
                    lastAllowJudgement = new Judgement(Judgement.Effect.ALLOW, a.policies(), null);
                }
                yield lastAllowJudgement;
            }
            case Verdict.Review r -> new Judgement(Judgement.Effect.REVIEW, r.policy() + " v" + r.version(), r.rule());
            case Verdict.Deny d -> new Judgement(Judgement.Effect.DENY, d.policy() + " v" + d.version(), d.rule());
        };
    }

    /** PREPARE is remembered, DEALLOCATE forgets, EXECUTE becomes what it runs. */
    private StatementShape resolveSqlPrepared(StatementShape shape) {
        if (shape.isPrepare()) {
            sqlPrepared.put(shape.preparedName(), shape);
        } else if (shape.isDeallocate()) {
            if (shape.preparedName() == null) {
                sqlPrepared.clear();
            } else {
                sqlPrepared.remove(shape.preparedName());
            }
        } else if (shape.isExecute()) {
            StatementShape prepared = sqlPrepared.get(shape.preparedName());
            if (prepared == null && shape.preparedName() != null) {
                // One namespace: EXECUTE runs a statement prepared by a protocol Parse as well.
                Prepared parsed = preparedStatements.get(shape.preparedName());
                prepared = parsed == null ? null : parsed.shape;
            }
            if (prepared != null) {
                return shape.executedAs(prepared);
            }
        }
        return shape;
    }

    /**
     * The cap of the statement whose answer comes next, if it is a capped one: its answer is to be
     * held until its count is known; null otherwise.
     */
    public RowCap cappedHead() {
        return pending.peek() instanceof Running r ? r.cap : null;
    }

    /** Whether a capped statement is forwarded and not yet answered (not skipped, say). */
    public boolean cappedPending() {
        for (Pending p : pending) {
            if (p instanceof Running r && r.cap != null) {
                return true;
            }
        }
        return false;
    }

    // ---- backend: what the server answered ----

    public void dataRow() {
        if (pending.peek() instanceof Running r) {
            r.dataRows++;
        }
    }

    public List<StatementCompleted> commandComplete(String tag, Long rows) {
        if (pending.peek() instanceof Running r) {
            pending.poll();
            StatementShape shape = r.started.shape();
            if (relations != null && shape != null && !shape.defines().isEmpty()) {
                relations.made(shape.defines());
            }
            return List.of(complete(r, Outcome.completed(tag, rows)));
        }
        return List.of();
    }

    public List<StatementCompleted> emptyQuery() {
        return commandComplete("", null);
    }

    public List<StatementCompleted> portalSuspended() {
        if (pending.peek() instanceof Running r) {
            pending.poll();
            return List.of(complete(r, Outcome.completed("PORTAL SUSPENDED", r.dataRows)));
        }
        return List.of();
    }

    /**
     * If the error now arriving answers the substitute for a refused statement, the refusal to send
     * the client instead; else null. {@link #refusalAnswered} then consumes it.
     */
    public Refused refusalAwaitingReply() {
        return pending.peek() instanceof RefusalReply reply ? reply.refusal() : null;
    }

    /**
     * The target answered the substitute for a refused statement (with the error it was built to
     * cause): the refusal was recorded when it was made; what followed it in the Query or pipeline
     * is skipped.
     */
    public List<StatementCompleted> refusalAnswered() {
        List<StatementCompleted> done = new ArrayList<>();
        if (pending.peek() instanceof RefusalReply) {
            pending.poll();
            skipToEnd(done);
        }
        return done;
    }

    public List<StatementCompleted> error(String sqlState, String message) {
        List<StatementCompleted> done = new ArrayList<>();
        if (pending.peek() instanceof Running r) {
            pending.poll();
            done.add(complete(r, Outcome.failed(sqlState, message)));
        }
        // Also for an error of a Parse, Bind or Describe, with nothing pending.
        skipToEnd(done);
        return done;
    }

    /**
     * After an error the target skips to the end of the Query or to the next Sync; if that Sync has
     * not been sent yet, it skips what is forwarded until then too.
     */
    private void skipToEnd(List<StatementCompleted> done) {
        while (pending.peek() instanceof Running || pending.peek() instanceof RefusalReply) {
            if (pending.poll() instanceof Running skipped) {
                done.add(complete(skipped, Outcome.skipped()));
            }
        }
        targetSkipsToSync = pending.isEmpty();
    }

    /** ReadyForQuery ends a simple Query, or the pipeline up to a Sync. */
    public List<StatementCompleted> readyForQuery() {
        readyAtNanos = nanoTime.getAsLong();
        targetSkipsToSync = false;
        List<StatementCompleted> skipped = List.of(); // the usual case: every statement was answered
        while (!pending.isEmpty()) {
            Pending head = pending.poll();
            if (head instanceof QueryEnd || head instanceof SyncPoint) {
                break;
            }
            if (head instanceof Running r) {
                // Still pending at ReadyForQuery: it got no answer of its own, so it never ran.
                if (skipped.isEmpty()) {
                    skipped = new ArrayList<>();
                }
                skipped.add(complete(r, Outcome.skipped()));
            }
        }
        return skipped;
    }

    private StatementCompleted complete(Running r, Outcome outcome) {
        long micros = Math.max(0, (nanoTime.getAsLong() - r.startNanos) / 1_000);
        return new StatementCompleted(sessionId, r.started.seq(), r.started.startedAt(), micros, outcome);
    }

    /**
     * SHA-256 over the values, each as its length and text (or a NULL mark), in order:
     * {@code 5:hello;N;0:;}. For every statement with values where the target keeps only hashes,
     * on the event loop.
     */
    static String hash(List<String> parameters) {
        MessageDigest sha = TrailChain.localSha256();
        byte[] digits = new byte[10];
        for (String value : parameters) {
            if (value == null) {
                sha.update((byte) 'N');
            } else {
                byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
                int at = digits.length;
                int n = bytes.length;
                do {
                    digits[--at] = (byte) ('0' + n % 10);
                    n /= 10;
                } while (n > 0);
                sha.update(digits, at, digits.length - at);
                sha.update((byte) ':');
                sha.update(bytes);
            }
            sha.update((byte) ';');
        }
        return HEX.formatHex(sha.digest());
    }

    private static final HexFormat HEX = HexFormat.of();

    /** For logs and tests; never contains SQL. */
    @Override
    public String toString() {
        return "StatementTracker[session=" + sessionId + ", pending=" + pending.size() + "]";
    }
}
