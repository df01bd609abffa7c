package io.vigil.review.usage;

import static io.vigil.db.jooq.Tables.AGENT;
import static io.vigil.db.jooq.Tables.AGENT_CREDENTIAL;
import static io.vigil.db.jooq.Tables.AGENT_GRANT;
import static io.vigil.db.jooq.Tables.SESSION;
import static io.vigil.db.jooq.Tables.USAGE_AGENT_LAST;
import static io.vigil.db.jooq.Tables.USAGE_DAY;
import static io.vigil.db.jooq.Tables.USAGE_RELATION_DAY;
import static io.vigil.db.jooq.Tables.USAGE_RELATION_LAST;

import io.vigil.review.agents.AgentVisibility;
import io.vigil.review.gateway.AuditTrail;
import io.vigil.review.security.CurrentViewer;
import io.vigil.review.security.Role;
import io.vigil.review.security.Viewer;
import io.vigil.review.store.StoreMigration;
import java.time.Clock;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.impl.DSL;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Usage evidence per agent, and the dashboard, for the agents the viewer may see. Everything here
 * reads the rollups (never the statements), so it answers at the same speed for ten statements or
 * ten million.
 */
@Service
public class UsageService {

    private final DSLContext db;
    private final CurrentViewer viewer;
    private final UsageRollup rollup;
    private final AuditTrail trail;
    private final UsageProperties settings;
    private final Clock clock;

    UsageService(
            DSLContext db,
            CurrentViewer viewer,
            UsageRollup rollup,
            AuditTrail trail,
            UsageProperties settings,
            Clock clock,
            StoreMigration migrated) {
        this.db = db;
        this.viewer = viewer;
        this.rollup = rollup;
        this.trail = trail;
        this.settings = settings;
        this.clock = clock;
    }

    /** The window stale agents and unused privileges are judged over. */
    public long staleAfterDays() {
        return settings.staleAfter().toDays();
    }

    /** The agent's statements per day and kind since {@code from} (UTC days). */
    public List<DayUsage> activity(UUID agentId, LocalDate from) {
        requireVisible(agentId);
        return db.select(
                        USAGE_DAY.DAY,
                        USAGE_DAY.KIND,
                        DSL.sum(USAGE_DAY.STATEMENTS),
                        DSL.sum(USAGE_DAY.ERRORS),
                        DSL.sum(USAGE_DAY.DENIALS))
                .from(USAGE_DAY)
                .where(USAGE_DAY.AGENT_ID.eq(agentId))
                .and(USAGE_DAY.DAY.ge(from))
                .groupBy(USAGE_DAY.DAY, USAGE_DAY.KIND)
                .orderBy(USAGE_DAY.DAY, USAGE_DAY.KIND)
                .fetch(r -> new DayUsage(
                        r.value1(),
                        r.value2(),
                        r.value3().longValue(),
                        r.value4().longValue(),
                        r.value5().longValue()));
    }

    /** What the agent did to each relation since {@code from}, most recent first. */
    public List<RelationUsage> relations(UUID agentId, LocalDate from) {
        requireVisible(agentId);
        return relationUsage(USAGE_RELATION_DAY.AGENT_ID.eq(agentId).and(USAGE_RELATION_DAY.DAY.ge(from)))
                .getOrDefault(agentId, List.of());
    }

    /** Privileges held next to privileges used within the stale window. */
    public GrantUsageMatrix matrix(UUID agentId, List<Grant> grants) {
        requireVisible(agentId);
        return GrantUsageMatrix.of(grants, relations(agentId, windowStart()));
    }

    /** The humans the agent acted for, as its sessions' on-behalf-of claims said. */
    public List<PersonSeen> onBehalfOf(UUID agentId) {
        return seen(agentId, SESSION.ON_BEHALF_OF);
    }

    /** The tasks or tickets its sessions named. */
    public List<PersonSeen> tasks(UUID agentId) {
        return seen(agentId, SESSION.TASK);
    }

    public Dashboard dashboard() {
        Viewer v = viewer.get();
        OffsetDateTime now = OffsetDateTime.now(clock);
        OffsetDateTime staleBefore = now.minus(settings.staleAfter());
        var agents = db.select(AGENT.ID, AGENT.NAME, AGENT.OWNER, AGENT.STATUS, lastActivity())
                .from(AGENT)
                .where(AgentVisibility.of(v))
                .orderBy(AGENT.NAME)
                .fetch();
        Map<String, int[]> owners = new TreeMap<>();
        List<Dashboard.AgentFlag> stale = new ArrayList<>();
        for (var a : agents) {
            boolean active = a.value4().equals("active");
            boolean isStale = active && (a.value5() == null || a.value5().isBefore(staleBefore));
            int[] counts = owners.computeIfAbsent(a.value3(), o -> new int[3]);
            counts[0]++;
            counts[1] += active ? 1 : 0;
            counts[2] += isStale ? 1 : 0;
            if (isStale) {
                stale.add(new Dashboard.AgentFlag(a.value1(), a.value2(), a.value3(), a.value5(), ""));
            }
        }
        List<Dashboard.OwnerAgents> byOwner = new ArrayList<>();
        owners.forEach((owner, c) -> byOwner.add(new Dashboard.OwnerAgents(owner, c[0], c[1], c[2])));
        // The worst first: never active, then longest idle; most unused privileges; oldest secrets.
        stale.sort(Comparator.comparing(
                Dashboard.AgentFlag::at, Comparator.nullsFirst(Comparator.<OffsetDateTime>naturalOrder())));
        List<Dashboard.AgentFlag> unused = new ArrayList<>(unusedWrites(v, agents));
        unused.sort(
                Comparator.comparingInt((Dashboard.AgentFlag f) -> f.detail().split(", ").length)
                        .reversed()
                        .thenComparing(Dashboard.AgentFlag::name));
        return new Dashboard(staleAfterDays(), byOwner, stale, unused, secretsDue(v, now));
    }

    /**
     * Forgets the rollups and counts the whole trail again, in the background (administrators); a
     * trail record says who asked.
     */
    @Transactional
    public void rebuild() {
        Viewer v = viewer.get();
        if (!v.has(Role.ADMIN)) {
            throw new AccessDeniedException("only an administrator rebuilds the usage rollups");
        }
        trail.record(
                v.name(), "usage.rebuild", "usage", null, "all agents", "rollups reset; the trail is counted again");
        rollup.rebuild();
    }

    private List<Dashboard.AgentFlag> unusedWrites(
            Viewer v, List<? extends org.jooq.Record5<UUID, String, String, String, OffsetDateTime>> agents) {
        Map<UUID, List<Grant>> grants = new HashMap<>();
        db.select(AGENT_GRANT.AGENT_ID, AGENT_GRANT.KIND, AGENT_GRANT.OBJECT, AGENT_GRANT.PRIVILEGE, AGENT_GRANT.VIA)
                .from(AGENT_GRANT)
                .join(AGENT)
                .on(AGENT.ID.eq(AGENT_GRANT.AGENT_ID))
                .where(AgentVisibility.of(v))
                .and(AGENT.STATUS.eq("active"))
                .and(AGENT_GRANT.KIND.eq("table"))
                .and(AGENT_GRANT.PRIVILEGE.in("INSERT", "UPDATE", "DELETE", "TRUNCATE", "OWNER"))
                .forEach(r -> grants.computeIfAbsent(r.value1(), a -> new ArrayList<>())
                        .add(new Grant(r.value2(), r.value3(), r.value4(), r.value5())));
        Map<UUID, List<RelationUsage>> usage = lastUses(windowStart());
        List<Dashboard.AgentFlag> flags = new ArrayList<>();
        for (var a : agents) {
            List<Grant> held = grants.get(a.value1());
            if (held == null) {
                continue;
            }
            List<String> unused = GrantUsageMatrix.of(held, usage.getOrDefault(a.value1(), List.of()))
                    .unusedWrites();
            if (!unused.isEmpty()) {
                flags.add(new Dashboard.AgentFlag(
                        a.value1(), a.value2(), a.value3(), a.value5(), String.join(", ", unused)));
            }
        }
        return flags;
    }

    /**
     * Each agent's last use of each relation and operation since {@code from} (counts left zero):
     * what "held but unused" is judged on, one row per agent, relation and operation.
     */
    private Map<UUID, List<RelationUsage>> lastUses(LocalDate from) {
        OffsetDateTime since = from.atStartOfDay().atOffset(ZoneOffset.UTC);
        Map<UUID, List<RelationUsage>> byAgent = new HashMap<>();
        db.select(
                        USAGE_RELATION_LAST.AGENT_ID,
                        USAGE_RELATION_LAST.RELATION,
                        USAGE_RELATION_LAST.OPERATION,
                        USAGE_RELATION_LAST.LAST_AT)
                .from(USAGE_RELATION_LAST)
                .where(USAGE_RELATION_LAST.LAST_AT.ge(since))
                .forEach(r -> byAgent.computeIfAbsent(r.value1(), a -> new ArrayList<>())
                        .add(new RelationUsage(r.value2(), r.value3(), 0, 0, 0, 0, r.value4())));
        return byAgent;
    }

    /** Active agents whose newest live secret is older than the rotation age. */
    private List<Dashboard.AgentFlag> secretsDue(Viewer v, OffsetDateTime now) {
        Field<OffsetDateTime> issued = DSL.max(AGENT_CREDENTIAL.CREATED_AT).as("issued");
        return db.select(AGENT.ID, AGENT.NAME, AGENT.OWNER, issued)
                .from(AGENT)
                .join(AGENT_CREDENTIAL)
                .on(AGENT_CREDENTIAL.AGENT_ID.eq(AGENT.ID))
                .where(AgentVisibility.of(v))
                .and(AGENT.STATUS.eq("active"))
                .and(AGENT.IDENTITY.eq("secret"))
                .and(AGENT_CREDENTIAL.REVOKED_AT.isNull())
                .and(AGENT_CREDENTIAL.EXPIRES_AT.isNull().or(AGENT_CREDENTIAL.EXPIRES_AT.gt(now)))
                .groupBy(AGENT.ID, AGENT.NAME, AGENT.OWNER)
                .having(DSL.max(AGENT_CREDENTIAL.CREATED_AT).lt(now.minus(settings.rotationAge())))
                .orderBy(DSL.max(AGENT_CREDENTIAL.CREATED_AT), AGENT.NAME)
                .fetch(r -> new Dashboard.AgentFlag(r.value1(), r.value2(), r.value3(), r.value4(), ""));
    }

    private Map<UUID, List<RelationUsage>> relationUsage(Condition where) {
        Map<UUID, List<RelationUsage>> byAgent = new HashMap<>();
        db.select(
                        USAGE_RELATION_DAY.AGENT_ID,
                        USAGE_RELATION_DAY.RELATION,
                        USAGE_RELATION_DAY.OPERATION,
                        DSL.sum(USAGE_RELATION_DAY.STATEMENTS),
                        DSL.sum(USAGE_RELATION_DAY.ROWS),
                        DSL.sum(USAGE_RELATION_DAY.ERRORS),
                        DSL.sum(USAGE_RELATION_DAY.DENIALS),
                        DSL.max(USAGE_RELATION_DAY.LAST_AT))
                .from(USAGE_RELATION_DAY)
                .where(where)
                .groupBy(USAGE_RELATION_DAY.AGENT_ID, USAGE_RELATION_DAY.RELATION, USAGE_RELATION_DAY.OPERATION)
                .orderBy(DSL.max(USAGE_RELATION_DAY.LAST_AT).desc())
                .forEach(r -> byAgent.computeIfAbsent(r.value1(), a -> new ArrayList<>())
                        .add(new RelationUsage(
                                r.value2(),
                                r.value3(),
                                r.value4().longValue(),
                                r.value5().longValue(),
                                r.value6().longValue(),
                                r.value7().longValue(),
                                r.value8())));
        return byAgent;
    }

    private List<PersonSeen> seen(UUID agentId, Field<String> field) {
        requireVisible(agentId);
        return db.select(field, DSL.count(), DSL.max(SESSION.STARTED_AT))
                .from(SESSION)
                .where(SESSION.AGENT_ID.eq(agentId))
                .and(field.isNotNull())
                .groupBy(field)
                .orderBy(DSL.max(SESSION.STARTED_AT).desc())
                .limit(100)
                .fetch(r -> new PersonSeen(r.value1(), r.value2(), r.value3()));
    }

    private LocalDate windowStart() {
        return LocalDate.now(clock.withZone(ZoneOffset.UTC)).minusDays(staleAfterDays());
    }

    private static Field<OffsetDateTime> lastActivity() {
        return DSL.field(DSL.select(DSL.max(USAGE_AGENT_LAST.LAST_AT))
                .from(USAGE_AGENT_LAST)
                .where(USAGE_AGENT_LAST.AGENT_ID.eq(AGENT.ID)));
    }

    private void requireVisible(UUID agentId) {
        if (!db.fetchExists(AGENT, AGENT.ID.eq(agentId).and(AgentVisibility.of(viewer.get())))) {
            throw new AccessDeniedException("no agent you may see");
        }
    }
}
