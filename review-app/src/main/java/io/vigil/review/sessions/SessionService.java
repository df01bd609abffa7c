package io.vigil.review.sessions;

import static io.vigil.db.jooq.Tables.AGENT;
import static io.vigil.db.jooq.Tables.SESSION;
import static io.vigil.db.jooq.Tables.SESSION_VIEW;
import static io.vigil.db.jooq.Tables.STATEMENT;
import static io.vigil.db.jooq.Tables.STATEMENT_VIEW;
import static io.vigil.db.jooq.Tables.TARGET;

import io.vigil.review.security.CurrentViewer;
import io.vigil.review.security.Viewer;
import io.vigil.review.store.StoreMigration;
import java.util.List;
import java.util.UUID;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Records;
import org.jooq.impl.DSL;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.stereotype.Service;

/**
 * Reads sessions and statements for the signed-in person. Every call checks what they may see:
 * an owner sees only the sessions of agents they own.
 */
@Service
public class SessionService {

    private final DSLContext db;
    private final CurrentViewer viewer;

    SessionService(DSLContext db, CurrentViewer viewer, StoreMigration migrated) {
        this.db = db;
        this.viewer = viewer;
    }

    /** Sessions the viewer may see, newest first. */
    public List<SessionSummary> sessions(int offset, int limit) {
        Field<Integer> statements = DSL.selectCount()
                .from(STATEMENT)
                .where(STATEMENT.SESSION_ID.eq(SESSION.ID))
                .asField("statements");
        return db.select(
                        SESSION.ID,
                        AGENT.NAME,
                        AGENT.OWNER,
                        TARGET.NAME,
                        SESSION.CLIENT_ADDR,
                        SESSION.APPLICATION_NAME,
                        SESSION.STARTED_AT,
                        SESSION_VIEW.ENDED_AT,
                        SESSION_VIEW.END_REASON,
                        statements)
                .from(SESSION)
                .join(SESSION_VIEW)
                .on(SESSION_VIEW.ID.eq(SESSION.ID))
                .join(AGENT)
                .on(AGENT.ID.eq(SESSION.AGENT_ID))
                .join(TARGET)
                .on(TARGET.ID.eq(SESSION.TARGET_ID))
                .where(visibleTo(viewer.get()))
                .orderBy(SESSION.STARTED_AT.desc(), SESSION.ID.desc())
                .offset(offset)
                .limit(limit)
                .fetch(Records.mapping(SessionSummary::new));
    }

    /**
     * The statements of one session, newest first.
     *
     * @throws AccessDeniedException if the viewer may not see that session
     */
    public List<StatementEntry> statements(UUID sessionId, int offset, int limit) {
        boolean visible = db.fetchExists(db.selectOne()
                .from(SESSION)
                .join(AGENT)
                .on(AGENT.ID.eq(SESSION.AGENT_ID))
                .where(SESSION.ID.eq(sessionId))
                .and(visibleTo(viewer.get())));
        if (!visible) {
            throw new AccessDeniedException("no such session");
        }
        return db.select(
                        STATEMENT_VIEW.SEQ,
                        STATEMENT_VIEW.STARTED_AT,
                        STATEMENT_VIEW.DURATION_US,
                        STATEMENT_VIEW.SQL_TEXT,
                        STATEMENT_VIEW.PROTOCOL,
                        STATEMENT_VIEW.COMMAND_TAG,
                        STATEMENT_VIEW.ROW_COUNT,
                        STATEMENT_VIEW.SQLSTATE,
                        STATEMENT_VIEW.ERROR_MESSAGE)
                .from(STATEMENT_VIEW)
                .where(STATEMENT_VIEW.SESSION_ID.eq(sessionId))
                .orderBy(STATEMENT_VIEW.SEQ.desc())
                .offset(offset)
                .limit(limit)
                .fetch(Records.mapping(StatementEntry::new));
    }

    private static Condition visibleTo(Viewer viewer) {
        return viewer.seesAllAgents() ? DSL.trueCondition() : AGENT.OWNER.eq(viewer.name());
    }
}
