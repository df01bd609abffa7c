package io.vigil.review.campaigns;

import static io.vigil.db.jooq.Tables.AGENT;
import static io.vigil.db.jooq.Tables.AGENT_GRANT;
import static io.vigil.db.jooq.Tables.AGENT_GRANT_READ;
import static io.vigil.db.jooq.Tables.CAMPAIGN;
import static io.vigil.db.jooq.Tables.CAMPAIGN_ITEM;
import static io.vigil.db.jooq.Tables.PERSON;
import static io.vigil.db.jooq.Tables.SESSION;
import static io.vigil.db.jooq.Tables.STATEMENT;
import static io.vigil.db.jooq.Tables.TARGET;
import static io.vigil.db.jooq.Tables.USAGE_AGENT_LAST;
import static io.vigil.db.jooq.Tables.USAGE_DAY;
import static io.vigil.db.jooq.Tables.USAGE_RELATION_LAST;
import static org.jooq.impl.DSL.coalesce;
import static org.jooq.impl.DSL.max;
import static org.jooq.impl.DSL.sum;

import io.vigil.db.jooq.tables.records.AgentGrantReadRecord;
import io.vigil.db.jooq.tables.records.CampaignItemRecord;
import io.vigil.review.campaigns.Recommender.Recommendation;
import io.vigil.review.usage.Grant;
import java.io.ByteArrayOutputStream;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.JSON;
import org.jooq.Record1;
import org.jooq.SelectConditionStep;
import org.jooq.impl.DSL;
import org.springframework.stereotype.Component;

/**
 * Launches a campaign: freezes every agent in scope with its privileges and its usage over the
 * review period, recommends a decision for each, assigns its reviewer, and fingerprints the
 * population. Reads only Vigil's store (the privileges as last read from the targets, the usage as
 * rolled up), in a handful of set queries however many agents there are.
 */
@Component
class CampaignLauncher {

    /** What a launch made. */
    record Launched(UUID campaignId, String name, int items, byte[] populationHash, Map<String, Integer> byReviewer) {}

    private final DSLContext db;

    CampaignLauncher(DSLContext db) {
        this.db = db;
    }

    /** The agents a launch of {@code d} would freeze. */
    List<UUID> agentsInScope(CampaignDefinition d) {
        return db.select(AGENT.ID).from(AGENT).where(scope(d)).fetch(AGENT.ID);
    }

    /**
     * @param privilegesSince privileges read before this (or never, or whose last read failed) are
     *     unknown: the item is flagged, with why, in its evidence
     */
    Launched launch(CampaignDefinition d, OffsetDateTime now, OffsetDateTime privilegesSince) {
        OffsetDateTime periodStart = now.minus(d.lookback());
        Condition scope = scope(d);
        SelectConditionStep<Record1<UUID>> inScope =
                db.select(AGENT.ID).from(AGENT).where(scope);
        Map<UUID, List<Grant>> grants = grants(inScope);
        Map<UUID, AgentGrantReadRecord> reads = db.selectFrom(AGENT_GRANT_READ)
                .where(AGENT_GRANT_READ.AGENT_ID.in(inScope))
                .fetchMap(AGENT_GRANT_READ.AGENT_ID);
        Map<UUID, List<RelationUse>> usage = usage(inScope, periodStart);
        Map<UUID, long[]> totals = totals(inScope, periodStart);
        Map<UUID, List<String>> policies = policies(inScope, periodStart);
        Map<UUID, OffsetDateTime> last = lastActivity(inScope);
        Map<UUID, String> changers = Separation.lastAccessChangers(db, inScope);
        Map<String, Boolean> people = db.select(PERSON.LOGIN, PERSON.GONE_AT.isNotNull())
                .from(PERSON)
                .fetchMap(r -> r.value1(), r -> r.value2());
        Recommender.Rules rules = new Recommender.Rules(periodStart, now.minus(d.inactive()), d.sensitiveRelations());

        UUID campaignId = UUID.randomUUID();
        List<CampaignItemRecord> items = new ArrayList<>();
        ByteArrayOutputStream hashes = new ByteArrayOutputStream();
        Map<String, Integer> byReviewer = new HashMap<>();
        for (var agent : db.select(
                        AGENT.ID,
                        AGENT.NAME,
                        AGENT.OWNER,
                        AGENT.CREATED_AT,
                        TARGET.NAME,
                        coalesce(AGENT.UPSTREAM_USER, TARGET.UPSTREAM_USER),
                        DSL.field(OwnRole.of()))
                .from(AGENT)
                .join(TARGET)
                .on(TARGET.ID.eq(AGENT.TARGET_ID))
                .where(scope)
                .orderBy(AGENT.ID)
                .fetch()) {
            UUID id = agent.value1();
            long[] t = totals.getOrDefault(id, new long[3]);
            AgentGrantReadRecord read = reads.get(id);
            Evidence e = new Evidence(
                    agent.value4(),
                    last.get(id),
                    t[0],
                    t[1],
                    t[2],
                    grants.getOrDefault(id, List.of()),
                    usage.getOrDefault(id, List.of()),
                    read == null ? null : read.getReadAt(),
                    unknownPrivileges(read, privilegesSince),
                    policies.getOrDefault(id, List.of()));
            String role = agent.value6();
            Recommendation r = Recommender.recommend(e, role, rules);
            String json = EvidenceJson.write(e, periodStart, now);
            byte[] hash = EvidenceJson.sha256(json);
            hashes.writeBytes(hash);
            String[] reviewer = reviewer(d, agent.value2(), agent.value3(), changers.get(id), people);
            byReviewer.merge(reviewer[0], 1, Integer::sum);
            CampaignItemRecord item = db.newRecord(CAMPAIGN_ITEM);
            item.setId(UUID.randomUUID());
            item.setCampaignId(campaignId);
            item.setAgentId(id);
            item.setAgentName(agent.value2());
            item.setOwner(agent.value3());
            item.setTargetName(agent.value5());
            item.setUpstreamRole(role);
            item.setOwnRole(agent.value7());
            item.setEvidence(JSON.valueOf(json));
            item.setEvidenceHash(hash);
            item.setRecommendation(r.decision());
            item.setRecommendationReason(r.reason());
            item.setReduceStatements(r.revokes().toArray(String[]::new));
            item.setStage(1);
            item.setReviewer(reviewer[0]);
            item.setReviewerReason(reviewer[1]);
            item.setAssignedReviewer(reviewer[0]);
            items.add(item);
        }
        byte[] population = EvidenceJson.sha256(hashes.toByteArray());
        String name = distinctName(d, now);
        db.insertInto(CAMPAIGN)
                .set(CAMPAIGN.ID, campaignId)
                .set(CAMPAIGN.DEFINITION_ID, d.id())
                .set(CAMPAIGN.NAME, name)
                .set(CAMPAIGN.SETTINGS, JSON.valueOf(Settings.json(d)))
                .set(CAMPAIGN.STATE, "review")
                .set(CAMPAIGN.STAGE, 1)
                .set(CAMPAIGN.LAUNCHED_AT, now)
                .set(CAMPAIGN.PERIOD_START, periodStart)
                .set(CAMPAIGN.PERIOD_END, now)
                .set(CAMPAIGN.DUE_AT, now.plus(d.review()))
                .set(CAMPAIGN.CLOSES_AT, now.plus(d.review()).plus(d.escalation()))
                .set(CAMPAIGN.ITEMS, items.size())
                .set(CAMPAIGN.POPULATION_HASH, population)
                .execute();
        for (int i = 0; i < items.size(); i += 1_000) {
            db.batchInsert(items.subList(i, Math.min(items.size(), i + 1_000))).execute();
        }
        return new Launched(campaignId, name, items.size(), population, byReviewer);
    }

    /** The definition's name and the day; a second launch that day is "#2", and so on. */
    private String distinctName(CampaignDefinition d, OffsetDateTime now) {
        String day = d.name() + " " + now.withOffsetSameInstant(ZoneOffset.UTC).toLocalDate();
        // jOOQ escapes the pattern's own % and _.
        int earlier = db.fetchCount(CAMPAIGN, CAMPAIGN.DEFINITION_ID.eq(d.id()).and(CAMPAIGN.NAME.startsWith(day)));
        return earlier == 0 ? day : day + " #" + (earlier + 1);
    }

    /** Why an agent's privileges as read cannot be trusted at launch, null if they can. */
    static String unknownPrivileges(AgentGrantReadRecord read, OffsetDateTime since) {
        if (read == null || read.getReadAt() == null) {
            return "never read from the target"
                    + (read != null && read.getError() != null ? " (" + read.getError() + ")" : "");
        }
        if (read.getFailedAt() != null && read.getFailedAt().isAfter(read.getReadAt())) {
            return "the last read, at " + read.getFailedAt().toInstant() + ", failed (" + read.getError()
                    + "); the last good one is from " + read.getReadAt().toInstant();
        }
        if (read.getReadAt().isBefore(since)) {
            return "last read at " + read.getReadAt().toInstant() + ", before " + since.toInstant()
                    + ", the oldest a launch accepts";
        }
        return null;
    }

    /**
     * The owner, unless Vigil does not know them (never signed in, not entered), they are gone, or
     * they may not decide (separation of duties): then the fallback reviewer.
     *
     * @param people every person Vigil knows, and whether they are gone
     */
    private static String[] reviewer(
            CampaignDefinition d, String agent, String owner, String lastChanger, Map<String, Boolean> people) {
        Boolean gone = people.get(owner);
        if (gone == null) {
            return new String[] {
                d.fallbackReviewer(), "fallback: Vigil does not know the owner " + owner + " (never signed in)"
            };
        }
        if (gone) {
            return new String[] {d.fallbackReviewer(), "fallback: the owner " + owner + " is gone"};
        }
        String conflict = Separation.conflict(owner, agent, lastChanger);
        if (conflict != null) {
            return new String[] {d.fallbackReviewer(), "fallback: " + conflict};
        }
        return new String[] {owner, "owner"};
    }

    /** Agents that are not revoked and match every scope list that is not empty. */
    private static Condition scope(CampaignDefinition d) {
        Condition c = AGENT.STATUS.ne("revoked");
        if (!d.scopeTargets().isEmpty()) {
            c = c.and(AGENT.TARGET_ID.in(d.scopeTargets()));
        }
        if (!d.scopeOwners().isEmpty()) {
            c = c.and(AGENT.OWNER.in(d.scopeOwners()));
        }
        if (!d.scopeTags().isEmpty()) {
            c = c.and(DSL.arrayOverlap(AGENT.TAGS, DSL.val(d.scopeTags().toArray(String[]::new), AGENT.TAGS)));
        }
        return c;
    }

    private Map<UUID, List<Grant>> grants(SelectConditionStep<Record1<UUID>> inScope) {
        return db.select(
                        AGENT_GRANT.AGENT_ID,
                        AGENT_GRANT.KIND,
                        AGENT_GRANT.OBJECT,
                        AGENT_GRANT.PRIVILEGE,
                        AGENT_GRANT.VIA)
                .from(AGENT_GRANT)
                .where(AGENT_GRANT.AGENT_ID.in(inScope))
                .orderBy(AGENT_GRANT.AGENT_ID, AGENT_GRANT.KIND, AGENT_GRANT.OBJECT, AGENT_GRANT.PRIVILEGE)
                .fetchGroups(r -> r.value1(), r -> new Grant(r.value2(), r.value3(), r.value4(), r.value5()));
    }

    /** What each agent used in the period, per relation and operation, with its use since the first. */
    private Map<UUID, List<RelationUse>> usage(SelectConditionStep<Record1<UUID>> inScope, OffsetDateTime from) {
        var u = USAGE_RELATION_LAST;
        return db.select(u.AGENT_ID, u.RELATION, u.OPERATION, u.STATEMENTS, u.FIRST_AT, u.LAST_AT)
                .from(u)
                .where(u.LAST_AT.ge(from))
                .and(u.AGENT_ID.in(inScope))
                .orderBy(u.AGENT_ID, u.RELATION, u.OPERATION)
                .fetchGroups(
                        r -> r.value1(),
                        r -> new RelationUse(r.value2(), r.value3(), r.value4(), r.value5(), r.value6()));
    }

    /**
     * Per agent: the guardrail policy versions its statements in the period were judged by, each
     * once, in name order, with how many of its statements each denied and held ({@code baseline v1:
     * 3 denied, 1 held}; {@code export v1: none denied}). Reads the period's statements: a campaign
     * launches once a quarter.
     */
    private Map<UUID, List<String>> policies(SelectConditionStep<Record1<UUID>> inScope, OffsetDateTime from) {
        Map<UUID, java.util.TreeMap<String, long[]>> byAgent = new HashMap<>();
        var count = DSL.count();
        db.select(SESSION.AGENT_ID, STATEMENT.POLICIES, STATEMENT.VERDICT, count)
                .from(STATEMENT)
                .join(SESSION)
                .on(SESSION.ID.eq(STATEMENT.SESSION_ID))
                .where(STATEMENT.STARTED_AT.ge(from))
                .and(STATEMENT.POLICIES.isNotNull())
                .and(SESSION.AGENT_ID.in(inScope))
                .groupBy(SESSION.AGENT_ID, STATEMENT.POLICIES, STATEMENT.VERDICT)
                .forEach(r -> {
                    var versions = byAgent.computeIfAbsent(r.value1(), a -> new java.util.TreeMap<>());
                    for (String policy : r.value2().split(", ")) {
                        long[] stopped = versions.computeIfAbsent(policy, p -> new long[2]);
                        // A stopped statement names the one policy that stopped it.
                        if ("deny".equals(r.value3())) {
                            stopped[0] += r.value4();
                        } else if ("review".equals(r.value3())) {
                            stopped[1] += r.value4();
                        }
                    }
                });
        Map<UUID, List<String>> policies = new HashMap<>();
        byAgent.forEach((agent, versions) -> policies.put(
                agent,
                versions.entrySet().stream()
                        .map(v -> v.getKey() + ": " + stoppedText(v.getValue()))
                        .toList()));
        return policies;
    }

    private static String stoppedText(long[] stopped) {
        if (stopped[0] == 0 && stopped[1] == 0) {
            return "none denied";
        }
        return stopped[0] + " denied" + (stopped[1] > 0 ? ", " + stopped[1] + " held" : "");
    }

    /** Per agent: statements, DDL statements and denials in the period. */
    private Map<UUID, long[]> totals(SelectConditionStep<Record1<UUID>> inScope, OffsetDateTime from) {
        var u = USAGE_DAY;
        return db.select(
                        u.AGENT_ID,
                        sum(u.STATEMENTS).cast(Long.class),
                        sum(u.STATEMENTS).filterWhere(u.KIND.eq("ddl")).cast(Long.class),
                        sum(u.DENIALS).cast(Long.class))
                .from(u)
                .where(u.DAY.ge(from.withOffsetSameInstant(ZoneOffset.UTC).toLocalDate()))
                .and(u.AGENT_ID.in(inScope))
                .groupBy(u.AGENT_ID)
                .fetchMap(r -> r.value1(), r -> new long[] {nz(r.value2()), nz(r.value3()), nz(r.value4())});
    }

    private Map<UUID, OffsetDateTime> lastActivity(SelectConditionStep<Record1<UUID>> inScope) {
        return db.select(USAGE_AGENT_LAST.AGENT_ID, max(USAGE_AGENT_LAST.LAST_AT))
                .from(USAGE_AGENT_LAST)
                .where(USAGE_AGENT_LAST.AGENT_ID.in(inScope))
                .groupBy(USAGE_AGENT_LAST.AGENT_ID)
                .fetchMap(r -> r.value1(), r -> r.value2());
    }

    private static long nz(Long value) {
        return value == null ? 0 : value;
    }
}
