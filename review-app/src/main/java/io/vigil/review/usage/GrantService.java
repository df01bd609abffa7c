package io.vigil.review.usage;

import static io.vigil.db.jooq.Tables.AGENT;
import static io.vigil.db.jooq.Tables.AGENT_GRANT;
import static io.vigil.db.jooq.Tables.AGENT_GRANT_READ;
import static io.vigil.db.jooq.Tables.TARGET;

import io.vigil.db.jooq.tables.records.AgentGrantReadRecord;
import io.vigil.review.agents.AgentVisibility;
import io.vigil.review.agents.TargetConnections;
import io.vigil.review.security.CurrentViewer;
import io.vigil.review.security.Viewer;
import io.vigil.review.store.StoreMigration;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.jooq.DSLContext;
import org.jooq.Record3;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.stereotype.Service;

/**
 * Each agent's privileges on its target, read from the target's catalog for the role the agent
 * logs in as: on demand (anyone who may see the agent) and on a schedule. A read that fails keeps
 * the last good one and says why.
 */
@Service
public class GrantService {

    private static final Logger log = LoggerFactory.getLogger(GrantService.class);
    private static final int INSERT_CHUNK = 1_000;

    /** When the privileges were read, and what went wrong since, if anything. */
    public record ReadState(String role, OffsetDateTime readAt, OffsetDateTime failedAt, String error) {}

    private final DSLContext db;
    private final CurrentViewer viewer;
    private final TargetConnections targets;
    private final Clock clock;

    GrantService(DSLContext db, CurrentViewer viewer, TargetConnections targets, Clock clock, StoreMigration migrated) {
        this.db = db;
        this.viewer = viewer;
        this.targets = targets;
        this.clock = clock;
    }

    /** The agent's privileges as last read. */
    public List<Grant> grants(UUID agentId) {
        requireVisible(agentId);
        return db.select(AGENT_GRANT.KIND, AGENT_GRANT.OBJECT, AGENT_GRANT.PRIVILEGE, AGENT_GRANT.VIA)
                .from(AGENT_GRANT)
                .where(AGENT_GRANT.AGENT_ID.eq(agentId))
                .orderBy(AGENT_GRANT.KIND, AGENT_GRANT.OBJECT, AGENT_GRANT.PRIVILEGE)
                .fetch(r -> new Grant(r.value1(), r.value2(), r.value3(), r.value4()));
    }

    public Optional<ReadState> readState(UUID agentId) {
        requireVisible(agentId);
        return db.selectFrom(AGENT_GRANT_READ)
                .where(AGENT_GRANT_READ.AGENT_ID.eq(agentId))
                .fetchOptional(GrantService::state);
    }

    /** Reads the agent's privileges now. */
    public ReadState refresh(UUID agentId) {
        requireVisible(agentId);
        return read(agentId);
    }

    /**
     * Reads the agent's privileges from its target now, for Vigil's own checks (a review's
     * remediation verifies with it; no viewer).
     *
     * @throws IllegalStateException if the target could not be read
     */
    public List<Grant> readAsVigil(UUID agentId) {
        ReadState state = read(agentId);
        if (state.error() != null && (state.readAt() == null || state.failedAt().isAfter(state.readAt()))) {
            throw new IllegalStateException(state.error());
        }
        return db.select(AGENT_GRANT.KIND, AGENT_GRANT.OBJECT, AGENT_GRANT.PRIVILEGE, AGENT_GRANT.VIA)
                .from(AGENT_GRANT)
                .where(AGENT_GRANT.AGENT_ID.eq(agentId))
                .orderBy(AGENT_GRANT.KIND, AGENT_GRANT.OBJECT, AGENT_GRANT.PRIVILEGE)
                .fetch(r -> new Grant(r.value1(), r.value2(), r.value3(), r.value4()));
    }

    /**
     * Reads again, for Vigil's own use (a campaign's launch), the privileges of those of {@code
     * agents} not read successfully since {@code since}: never read, read before it, or whose last
     * read failed. What still fails is kept as the read's failure, for the launch to see.
     */
    public void refreshOlderThan(java.util.Collection<UUID> agents, OffsetDateTime since) {
        var fresh = db.select(AGENT_GRANT_READ.AGENT_ID)
                .from(AGENT_GRANT_READ)
                .where(AGENT_GRANT_READ.AGENT_ID.in(agents))
                .and(AGENT_GRANT_READ.READ_AT.ge(since))
                .and(AGENT_GRANT_READ.FAILED_AT.isNull().or(AGENT_GRANT_READ.FAILED_AT.lt(AGENT_GRANT_READ.READ_AT)))
                .fetchSet(AGENT_GRANT_READ.AGENT_ID);
        for (UUID agent : agents) {
            if (!fresh.contains(agent)) {
                try {
                    read(agent);
                } catch (RuntimeException e) {
                    log.warn("could not read or keep the privileges of agent {}: {}", agent, e.getMessage());
                }
            }
        }
    }

    /** Reads every agent's privileges; what the schedule runs (hourly unless configured). */
    @Scheduled(
            initialDelayString = "${vigil.usage.grants-first-read:PT20S}",
            fixedDelayString = "${vigil.usage.grants-refresh:PT1H}")
    public void refreshAll() {
        for (UUID agent : db.select(AGENT.ID)
                .from(AGENT)
                .where(AGENT.STATUS.ne("revoked"))
                .fetch(AGENT.ID)) {
            try {
                read(agent);
            } catch (RuntimeException e) {
                log.warn("could not read or keep the privileges of agent {}: {}", agent, e.getMessage());
            }
        }
    }

    private ReadState read(UUID agentId) {
        Record3<UUID, String, String> agent = db.select(AGENT.TARGET_ID, AGENT.NAME, roleOf())
                .from(AGENT)
                .join(TARGET)
                .on(TARGET.ID.eq(AGENT.TARGET_ID))
                .where(AGENT.ID.eq(agentId))
                .fetchOne();
        if (agent == null) {
            throw new AccessDeniedException("no agent you may see");
        }
        String role = agent.value3();
        OffsetDateTime now = OffsetDateTime.now(clock);
        try (Connection target = targets.open(agent.value1())) {
            List<Grant> grants = CatalogPrivileges.of(target, role);
            db.transaction(tx -> {
                DSLContext t = tx.dsl();
                t.deleteFrom(AGENT_GRANT)
                        .where(AGENT_GRANT.AGENT_ID.eq(agentId))
                        .execute();
                // In chunks: a role that may do everything on thousands of tables has tens of
                // thousands of privileges, past what one statement's parameters can carry.
                for (int from = 0; from < grants.size(); from += INSERT_CHUNK) {
                    var insert = t.insertInto(
                            AGENT_GRANT,
                            AGENT_GRANT.AGENT_ID,
                            AGENT_GRANT.KIND,
                            AGENT_GRANT.OBJECT,
                            AGENT_GRANT.PRIVILEGE,
                            AGENT_GRANT.VIA);
                    for (Grant g : grants.subList(from, Math.min(grants.size(), from + INSERT_CHUNK))) {
                        insert = insert.values(agentId, g.kind(), g.object(), g.privilege(), g.via());
                    }
                    insert.onConflictDoNothing().execute();
                }
                t.insertInto(AGENT_GRANT_READ)
                        .set(AGENT_GRANT_READ.AGENT_ID, agentId)
                        .set(AGENT_GRANT_READ.ROLE_NAME, role)
                        .set(AGENT_GRANT_READ.READ_AT, now)
                        .setNull(AGENT_GRANT_READ.FAILED_AT)
                        .setNull(AGENT_GRANT_READ.ERROR)
                        .onConflict(AGENT_GRANT_READ.AGENT_ID)
                        .doUpdate()
                        .set(AGENT_GRANT_READ.ROLE_NAME, role)
                        .set(AGENT_GRANT_READ.READ_AT, now)
                        .setNull(AGENT_GRANT_READ.FAILED_AT)
                        .setNull(AGENT_GRANT_READ.ERROR)
                        .execute();
            });
        } catch (SQLException | RuntimeException e) {
            // Whatever went wrong (the target, its catalog, the store), the last good read stays
            // and the failure is shown; the schedule goes on with the next agent.
            String error = Objects.toString(e.getMessage(), e.toString());
            log.warn("could not read the privileges of {} (role {}): {}", agent.value2(), role, error);
            db.insertInto(AGENT_GRANT_READ)
                    .set(AGENT_GRANT_READ.AGENT_ID, agentId)
                    .set(AGENT_GRANT_READ.ROLE_NAME, role)
                    .set(AGENT_GRANT_READ.FAILED_AT, now)
                    .set(AGENT_GRANT_READ.ERROR, error)
                    .onConflict(AGENT_GRANT_READ.AGENT_ID)
                    .doUpdate()
                    .set(AGENT_GRANT_READ.ROLE_NAME, role)
                    .set(AGENT_GRANT_READ.FAILED_AT, now)
                    .set(AGENT_GRANT_READ.ERROR, error)
                    .execute();
        }
        return db.selectFrom(AGENT_GRANT_READ)
                .where(AGENT_GRANT_READ.AGENT_ID.eq(agentId))
                .fetchOne(GrantService::state);
    }

    private static org.jooq.Field<String> roleOf() {
        return org.jooq.impl.DSL.coalesce(AGENT.UPSTREAM_USER, TARGET.UPSTREAM_USER);
    }

    private void requireVisible(UUID agentId) {
        Viewer v = viewer.get();
        if (!db.fetchExists(AGENT, AGENT.ID.eq(agentId).and(AgentVisibility.of(v)))) {
            throw new AccessDeniedException("no agent you may see");
        }
    }

    private static ReadState state(AgentGrantReadRecord r) {
        return new ReadState(r.getRoleName(), r.getReadAt(), r.getFailedAt(), r.getError());
    }
}
