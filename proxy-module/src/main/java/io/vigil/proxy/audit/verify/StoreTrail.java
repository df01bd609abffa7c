package io.vigil.proxy.audit.verify;

import static io.vigil.db.jooq.Tables.CANCEL_REQUEST;
import static io.vigil.db.jooq.Tables.LOGIN_REFUSAL;
import static io.vigil.db.jooq.Tables.PERSON_ACTION;
import static io.vigil.db.jooq.Tables.SESSION;
import static io.vigil.db.jooq.Tables.SESSION_END;
import static io.vigil.db.jooq.Tables.STATEMENT;
import static io.vigil.db.jooq.Tables.STATEMENT_OUTCOME;
import static io.vigil.db.jooq.Tables.TRAIL_CHECKPOINT;
import static io.vigil.db.jooq.Tables.TRAIL_PRUNED;

import io.vigil.db.jooq.tables.records.StatementRecord;
import io.vigil.db.jooq.tables.records.TrailCheckpointRecord;
import io.vigil.proxy.audit.AuditEvent.CancelRequested;
import io.vigil.proxy.audit.AuditEvent.LoginRefused;
import io.vigil.proxy.audit.AuditEvent.PersonActed;
import io.vigil.proxy.audit.AuditEvent.Protocol;
import io.vigil.proxy.audit.AuditEvent.Pruned;
import io.vigil.proxy.audit.AuditEvent.SessionClosed;
import io.vigil.proxy.audit.AuditEvent.SessionOpened;
import io.vigil.proxy.audit.AuditEvent.StatementCompleted;
import io.vigil.proxy.audit.AuditEvent.StatementStarted;
import io.vigil.proxy.audit.Checkpoint;
import io.vigil.proxy.audit.Judgement;
import io.vigil.proxy.audit.Outcome;
import io.vigil.proxy.audit.TrailRecord;
import io.vigil.proxy.audit.export.ExportTrail;
import io.vigil.proxy.sql.StatementKind;
import io.vigil.proxy.sql.StatementShape;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;

/**
 * Re-creates the trail's records from the store's rows, exactly as they were encoded when hashed:
 * the tables themselves, not the views, so nothing is merged or defaulted on the way. Rows written
 * before the trail was hash-chained have no hash and are counted, not checked.
 */
public final class StoreTrail {

    private final DSLContext store;

    public StoreTrail(DSLContext store) {
        this.store = store;
    }

    /**
     * Every record and checkpoint of the store at {@code url}, read in one repeatable-read,
     * read-only transaction, so the tables agree with each other.
     *
     * @param password null to rely on the driver's own sources (pgpass)
     */
    public static ExportTrail snapshot(String url, String user, String password) throws SQLException {
        Properties props = new Properties();
        if (user != null) {
            props.setProperty("user", user);
        }
        if (password != null) {
            props.setProperty("password", password);
        }
        try (Connection c = DriverManager.getConnection(url, props)) {
            c.setAutoCommit(false);
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            c.setReadOnly(true);
            StoreTrail trail = new StoreTrail(DSL.using(c, SQLDialect.POSTGRES));
            ExportTrail snapshot = new ExportTrail(trail.records(), trail.checkpoints());
            c.rollback();
            return snapshot;
        }
    }

    /** Every chained record, in no particular order. */
    public List<TrailRecord> records() {
        return records(null);
    }

    /** The chained records of one session, in no particular order. */
    public List<TrailRecord> session(UUID id) {
        return records(id);
    }

    private List<TrailRecord> records(UUID onlySession) {
        List<TrailRecord> records = new ArrayList<>();
        store.selectFrom(SESSION)
                .where(SESSION.CHAIN_HASH.isNotNull())
                .and(only(SESSION.ID, onlySession))
                .fetch()
                .forEach(s -> records.add(new TrailRecord(
                        s.getSpoolId(),
                        s.getLeaf(),
                        0,
                        s.getChainHash(),
                        new SessionOpened(
                                s.getId(),
                                s.getAgentId(),
                                s.getTargetId(),
                                s.getClientAddr(),
                                s.getApplicationName(),
                                s.getOnBehalfOf(),
                                s.getTask(),
                                s.getUpstreamRole(),
                                s.getTls(),
                                s.getStartedAt().toInstant()))));
        var spools = store.select(SESSION.ID, SESSION.SPOOL_ID)
                .from(SESSION)
                .where(only(SESSION.ID, onlySession))
                .fetchMap(SESSION.ID, SESSION.SPOOL_ID);
        try (var rows = store.selectFrom(STATEMENT)
                .where(STATEMENT.START_HASH.isNotNull())
                .and(only(STATEMENT.SESSION_ID, onlySession))
                .fetchSize(1_000)
                .fetchLazy()) {
            for (StatementRecord s : rows) {
                var spool = spools.get(s.getSessionId());
                records.add(new TrailRecord(spool, s.getStartLeaf(), s.getStartIndex(), s.getStartHash(), started(s)));
                if (s.getEndHash() != null) {
                    records.add(new TrailRecord(
                            spool,
                            s.getEndLeaf(),
                            s.getEndIndex(),
                            s.getEndHash(),
                            completed(
                                    s,
                                    new Outcome(
                                            Outcome.Status.ofLabel(s.getOutcome()),
                                            s.getCommandTag(),
                                            s.getRowCount(),
                                            s.getSqlstate(),
                                            s.getErrorMessage()))));
                }
            }
        }
        store.selectFrom(STATEMENT_OUTCOME)
                .where(only(STATEMENT_OUTCOME.SESSION_ID, onlySession))
                .fetch()
                .forEach(o -> records.add(new TrailRecord(
                        spools.get(o.getSessionId()),
                        o.getLeaf(),
                        o.getChainIndex(),
                        o.getChainHash(),
                        new StatementCompleted(
                                o.getSessionId(),
                                o.getSeq(),
                                o.getStartedAt().toInstant(),
                                o.getDurationUs(),
                                new Outcome(
                                        Outcome.Status.ofLabel(o.getOutcome()),
                                        o.getCommandTag(),
                                        o.getRowCount(),
                                        o.getSqlstate(),
                                        o.getErrorMessage())))));
        store.selectFrom(SESSION_END)
                .where(only(SESSION_END.SESSION_ID, onlySession))
                .fetch()
                .forEach(e -> records.add(new TrailRecord(
                        spools.get(e.getSessionId()),
                        e.getLeaf(),
                        e.getChainIndex(),
                        e.getChainHash(),
                        new SessionClosed(e.getSessionId(), e.getEndedAt().toInstant(), e.getReason()))));
        store.selectFrom(CANCEL_REQUEST)
                .where(only(CANCEL_REQUEST.SESSION_ID, onlySession))
                .fetch()
                .forEach(c -> records.add(new TrailRecord(
                        spools.get(c.getSessionId()),
                        c.getLeaf(),
                        c.getChainIndex(),
                        c.getChainHash(),
                        new CancelRequested(
                                c.getSessionId(), c.getRequestedAt().toInstant(), c.getSeq(), c.getClientAddr()))));
        store.selectFrom(TRAIL_PRUNED)
                .where(only(TRAIL_PRUNED.SESSION_ID, onlySession))
                .fetch()
                .forEach(p -> records.add(new TrailRecord(
                        p.getSpoolId(),
                        p.getLeaf(),
                        p.getChainIndex(),
                        p.getChainHash(),
                        new Pruned(p.getSessionId(), p.getBefore().toInstant()))));
        store.selectFrom(LOGIN_REFUSAL)
                .where(only(LOGIN_REFUSAL.ID, onlySession))
                .fetch()
                .forEach(l -> records.add(new TrailRecord(
                        l.getSpoolId(),
                        l.getLeaf(),
                        0,
                        l.getChainHash(),
                        new LoginRefused(
                                l.getId(),
                                l.getAttemptedAt().toInstant(),
                                l.getUserName(),
                                l.getAgentId(),
                                l.getClientAddr(),
                                l.getApplicationName(),
                                l.getDatabaseName(),
                                l.getSqlstate(),
                                l.getReason()))));
        store.selectFrom(PERSON_ACTION)
                .where(only(PERSON_ACTION.ID, onlySession))
                .fetch()
                .forEach(a -> records.add(new TrailRecord(
                        a.getSpoolId(),
                        a.getLeaf(),
                        0,
                        a.getChainHash(),
                        new PersonActed(
                                a.getId(),
                                a.getActedAt().toInstant(),
                                a.getActor(),
                                a.getAction(),
                                a.getSubjectKind(),
                                a.getSubjectId(),
                                a.getSubjectName(),
                                a.getDetail()))));
        return records;
    }

    public List<Checkpoint> checkpoints() {
        return store.selectFrom(TRAIL_CHECKPOINT).fetch(StoreTrail::checkpoint);
    }

    /** The checkpoint of {@code spool} that covers the most records, if it has one. */
    public Optional<Checkpoint> newestCheckpoint(UUID spool) {
        return store.selectFrom(TRAIL_CHECKPOINT)
                .where(TRAIL_CHECKPOINT.SPOOL_ID.eq(spool))
                .orderBy(TRAIL_CHECKPOINT.TREE_SIZE.desc())
                .limit(1)
                .fetchOptional(StoreTrail::checkpoint);
    }

    private static Checkpoint checkpoint(TrailCheckpointRecord c) {
        return new Checkpoint(
                c.getSpoolId(),
                c.getTreeSize(),
                c.getRoot(),
                c.getSignedAt().toInstant(),
                c.getKeyId(),
                c.getSignature());
    }

    private static Condition only(Field<UUID> session, UUID id) {
        return id == null ? DSL.noCondition() : session.eq(id);
    }

    private static StatementStarted started(StatementRecord s) {
        StatementShape shape = s.getKind() == null
                ? null
                : new StatementShape(
                        StatementKind.ofLabel(s.getKind()),
                        s.getCommand(),
                        s.getSqlText(),
                        list(s.getReads()),
                        list(s.getWrites()),
                        list(s.getFunctions()),
                        s.getFingerprint(),
                        null);
        return new StatementStarted(
                s.getSessionId(),
                s.getSeq(),
                instant(s.getStartedAt()),
                s.getSqlText(),
                Protocol.valueOf(s.getProtocol().toUpperCase(Locale.ROOT)),
                shape,
                s.getParameters() == null ? null : list(s.getParameters()),
                s.getParametersHash(),
                s.getVerdict() == null
                        ? null
                        : new Judgement(Judgement.Effect.ofLabel(s.getVerdict()), s.getPolicies(), s.getRule()));
    }

    private static StatementCompleted completed(StatementRecord s, Outcome outcome) {
        return new StatementCompleted(
                s.getSessionId(), s.getSeq(), instant(s.getStartedAt()), s.getDurationUs(), outcome);
    }

    private static java.time.Instant instant(OffsetDateTime at) {
        return at.toInstant();
    }

    /** Arrays.asList, not List.of: an element may be NULL. */
    private static List<String> list(String[] values) {
        return values == null ? List.of() : Arrays.asList(values);
    }
}
