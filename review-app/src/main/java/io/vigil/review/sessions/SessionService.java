package io.vigil.review.sessions;

import static io.vigil.db.jooq.Tables.AGENT;
import static io.vigil.db.jooq.Tables.SESSION_END_REQUEST;
import static io.vigil.db.jooq.Tables.SESSION_VIEW;
import static io.vigil.db.jooq.Tables.STATEMENT;
import static io.vigil.db.jooq.Tables.STATEMENT_VIEW;
import static io.vigil.db.jooq.Tables.TARGET;

import io.vigil.review.agents.AgentVisibility;
import io.vigil.review.approvals.ApprovalService;
import io.vigil.review.gateway.AuditTrail;
import io.vigil.review.security.CurrentViewer;
import io.vigil.review.security.Role;
import io.vigil.review.security.Viewer;
import io.vigil.review.store.StoreMigration;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record14;
import org.jooq.Records;
import org.jooq.SelectOnConditionStep;
import org.jooq.impl.DSL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Reads sessions and statements for the signed-in person, and ends live sessions for
 * administrators. Every call checks what they may see and do: an owner sees only the sessions of
 * agents they own; only an administrator ends a session.
 */
@Service
public class SessionService {

    /** The longest reason an administrator may give for ending a session (the store's limit). */
    public static final int MAX_REASON = 500;

    private static final Logger log = LoggerFactory.getLogger(SessionService.class);

    private final DSLContext db;
    private final CurrentViewer viewer;
    private final TrailIntegrity integrity;
    private final Clock clock;
    private final AuditTrail trail;

    private final ApprovalService approvals;

    SessionService(
            DSLContext db,
            CurrentViewer viewer,
            TrailIntegrity integrity,
            AuditTrail trail,
            Clock clock,
            StoreMigration migrated,
            ApprovalService approvals) {
        this.approvals = approvals;
        this.trail = trail;
        this.db = db;
        this.viewer = viewer;
        this.integrity = integrity;
        this.clock = clock;
    }

    /** Sessions the viewer may see that match {@code filter}, newest first. */
    public List<SessionSummary> sessions(SessionFilter filter, int offset, int limit) {
        return summaries()
                .where(AgentVisibility.of(viewer.get()))
                .and(matching(filter))
                .orderBy(SESSION_VIEW.STARTED_AT.desc(), SESSION_VIEW.ID.desc())
                .offset(offset)
                .limit(limit)
                .fetch(Records.mapping(SessionSummary::new));
    }

    /**
     * One session.
     *
     * @throws AccessDeniedException if the viewer may not see it (or it does not exist)
     */
    public SessionSummary session(UUID id) {
        return summaries()
                .where(SESSION_VIEW.ID.eq(id))
                .and(AgentVisibility.of(viewer.get()))
                .fetchOptional(Records.mapping(SessionSummary::new))
                .orElseThrow(() -> new AccessDeniedException("no such session"));
    }

    /**
     * The statements of one session in the order it ran them: its timeline.
     *
     * @throws AccessDeniedException if the viewer may not see that session
     */
    public List<StatementEntry> statements(UUID sessionId, int offset, int limit) {
        requireVisible(sessionId);
        List<StatementEntry> entries = db.select(
                        STATEMENT_VIEW.SEQ,
                        STATEMENT_VIEW.STARTED_AT,
                        STATEMENT_VIEW.DURATION_US,
                        STATEMENT_VIEW.SQL_TEXT,
                        STATEMENT_VIEW.PROTOCOL,
                        STATEMENT_VIEW.KIND,
                        STATEMENT_VIEW.READS,
                        STATEMENT_VIEW.WRITES,
                        STATEMENT_VIEW.FUNCTIONS,
                        STATEMENT_VIEW.PARAMETERS,
                        STATEMENT_VIEW.PARAMETERS_HASH,
                        STATEMENT_VIEW.COMMAND_TAG,
                        STATEMENT_VIEW.ROW_COUNT,
                        STATEMENT_VIEW.SQLSTATE,
                        STATEMENT_VIEW.ERROR_MESSAGE,
                        STATEMENT_VIEW.VERDICT,
                        STATEMENT_VIEW.POLICIES,
                        STATEMENT_VIEW.RULE,
                        STATEMENT_VIEW.OBSERVED_VERDICT,
                        STATEMENT_VIEW.OBSERVED_POLICY,
                        STATEMENT_VIEW.OBSERVED_RULE)
                .from(STATEMENT_VIEW)
                .where(STATEMENT_VIEW.SESSION_ID.eq(sessionId))
                .orderBy(STATEMENT_VIEW.SEQ)
                .offset(offset)
                .limit(limit)
                .fetch(r -> new StatementEntry(
                        r.value1(),
                        r.value2(),
                        r.value3(),
                        r.value4(),
                        r.value5(),
                        r.value6(),
                        list(r.value7()),
                        list(r.value8()),
                        list(r.value9()),
                        r.value10() == null ? null : Arrays.asList(r.value10()),
                        r.value11(),
                        r.value12(),
                        r.value13(),
                        r.value14(),
                        r.value15(),
                        r.value16(),
                        r.value17(),
                        r.value18(),
                        StatementEntry.observation(r.value19(), r.value20(), r.value21()),
                        null));
        Map<Long, String> approved = approvals.ofStatements(
                sessionId, entries.stream().map(StatementEntry::seq).toList());
        return approved.isEmpty()
                ? entries
                : entries.stream()
                        .map(e -> approved.containsKey(e.seq()) ? e.withApproval(approved.get(e.seq())) : e)
                        .toList();
    }

    /**
     * What the trail proves about one session.
     *
     * @throws AccessDeniedException if the viewer may not see that session
     */
    public SessionIntegrity integrity(UUID sessionId) {
        requireVisible(sessionId);
        return integrity.of(sessionId);
    }

    /**
     * Asks the gateway to end a live session. The request is kept (who, when, why); the gateway
     * ends the session within about a second, and its trail records the reason.
     *
     * @throws AccessDeniedException unless the viewer is an administrator
     * @throws IllegalArgumentException if the reason is blank or longer than {@value #MAX_REASON}
     * @throws IllegalStateException if the session has already ended or was already asked to end
     */
    @Transactional
    public void end(UUID sessionId, String reason) {
        Viewer admin = viewer.get();
        if (!admin.has(Role.ADMIN)) {
            throw new AccessDeniedException("only an administrator ends sessions");
        }
        String why = reason == null ? "" : reason.strip();
        if (why.isEmpty() || why.length() > MAX_REASON) {
            throw new IllegalArgumentException("give a reason of 1 to " + MAX_REASON + " characters");
        }
        SessionSummary session = session(sessionId);
        if (!session.live()) {
            throw new IllegalStateException("the session has already ended");
        }
        int inserted = db.insertInto(SESSION_END_REQUEST)
                .set(SESSION_END_REQUEST.SESSION_ID, sessionId)
                .set(SESSION_END_REQUEST.REQUESTED_BY, admin.name())
                .set(SESSION_END_REQUEST.REQUESTED_AT, OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC))
                .set(SESSION_END_REQUEST.REASON, why)
                .onConflictDoNothing()
                .execute();
        if (inserted == 0) {
            throw new IllegalStateException("the session was already asked to end");
        }
        trail.record(admin.name(), "session.end", "session", sessionId, session.agent(), why);
        log.info("{} asked to end session {}", admin.name(), sessionId);
    }

    /** Whether the viewer may end sessions (so a page need not offer what would be refused). */
    public boolean mayEndSessions() {
        return viewer.get().has(Role.ADMIN);
    }

    /** The names of the agents the viewer may see, for choosing one. */
    public List<String> agentNames() {
        return db.select(AGENT.NAME)
                .from(AGENT)
                .where(AgentVisibility.of(viewer.get()))
                .orderBy(AGENT.NAME)
                .fetch(AGENT.NAME);
    }

    /** The names of the targets the viewer's agents use, for choosing one. */
    public List<String> targetNames() {
        return db.selectDistinct(TARGET.NAME)
                .from(TARGET)
                .join(AGENT)
                .on(AGENT.TARGET_ID.eq(TARGET.ID))
                .where(AgentVisibility.of(viewer.get()))
                .orderBy(TARGET.NAME)
                .fetch(TARGET.NAME);
    }

    private SelectOnConditionStep<
                    Record14<
                            UUID,
                            String,
                            String,
                            String,
                            String,
                            String,
                            OffsetDateTime,
                            OffsetDateTime,
                            String,
                            String,
                            String,
                            String,
                            Boolean,
                            Integer>>
            summaries() {
        Field<Integer> statements = DSL.selectCount()
                .from(STATEMENT)
                .where(STATEMENT.SESSION_ID.eq(SESSION_VIEW.ID))
                .asField("statements");
        return db.select(
                        SESSION_VIEW.ID,
                        AGENT.NAME,
                        AGENT.OWNER,
                        TARGET.NAME,
                        SESSION_VIEW.CLIENT_ADDR,
                        SESSION_VIEW.APPLICATION_NAME,
                        SESSION_VIEW.STARTED_AT,
                        SESSION_VIEW.ENDED_AT,
                        SESSION_VIEW.END_REASON,
                        SESSION_VIEW.ON_BEHALF_OF,
                        SESSION_VIEW.TASK,
                        SESSION_VIEW.UPSTREAM_ROLE,
                        SESSION_VIEW.TLS,
                        statements)
                .from(SESSION_VIEW)
                .join(AGENT)
                .on(AGENT.ID.eq(SESSION_VIEW.AGENT_ID))
                .join(TARGET)
                .on(TARGET.ID.eq(SESSION_VIEW.TARGET_ID));
    }

    /** Cheaper than {@link #session}: a grid page of statements asks this every time. */
    private void requireVisible(UUID sessionId) {
        boolean visible = db.fetchExists(db.selectOne()
                .from(SESSION_VIEW)
                .join(AGENT)
                .on(AGENT.ID.eq(SESSION_VIEW.AGENT_ID))
                .where(SESSION_VIEW.ID.eq(sessionId))
                .and(AgentVisibility.of(viewer.get())));
        if (!visible) {
            throw new AccessDeniedException("no such session");
        }
    }

    /** The filter as SQL; statement kind and relation ask whether any statement of the session matches. */
    static Condition matching(SessionFilter filter) {
        Condition condition = DSL.noCondition();
        if (filter.agent() != null) {
            condition = condition.and(AGENT.NAME.eq(filter.agent()));
        }
        if (filter.target() != null) {
            condition = condition.and(TARGET.NAME.eq(filter.target()));
        }
        if (filter.to() != null) {
            condition = condition.and(SESSION_VIEW.STARTED_AT.lt(filter.to()));
        }
        if (filter.from() != null) {
            condition = condition.and(SESSION_VIEW.ENDED_AT.isNull().or(SESSION_VIEW.ENDED_AT.ge(filter.from())));
        }
        if (filter.kind() != null) {
            condition = condition.and(DSL.exists(DSL.selectOne()
                    .from(STATEMENT)
                    .where(STATEMENT.SESSION_ID.eq(SESSION_VIEW.ID))
                    .and(STATEMENT.KIND.eq(filter.kind()))));
        }
        if (filter.stopped() != null) {
            condition = condition.and(DSL.exists(DSL.selectOne()
                    .from(STATEMENT)
                    .where(STATEMENT.SESSION_ID.eq(SESSION_VIEW.ID))
                    .and(STATEMENT.VERDICT.eq(filter.stopped().label()))));
        }
        if (filter.observed() != null) {
            condition = condition.and(DSL.exists(DSL.selectOne()
                    .from(STATEMENT)
                    .where(STATEMENT.SESSION_ID.eq(SESSION_VIEW.ID))
                    .and(STATEMENT.OBSERVED_VERDICT.eq(filter.observed().label()))));
        }
        if (filter.relation() != null) {
            condition = condition.and(DSL.exists(DSL.selectOne()
                    .from(
                            STATEMENT,
                            DSL.unnest(DSL.arrayConcat(STATEMENT.READS, STATEMENT.WRITES))
                                    .as("r", "name"))
                    .where(STATEMENT.SESSION_ID.eq(SESSION_VIEW.ID))
                    .and(namesRelation(DSL.field(DSL.name("r", "name"), String.class), filter.relation()))));
        }
        return condition;
    }

    /** {@code orders} names {@code orders} and {@code archive.orders}; no LIKE, so no wildcards. */
    private static Condition namesRelation(Field<String> name, String relation) {
        return name.eq(relation).or(DSL.right(name, relation.length() + 1).eq("." + relation));
    }

    private static List<String> list(String[] values) {
        return values == null ? List.of() : Arrays.asList(values);
    }
}
