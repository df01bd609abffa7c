package io.vigil.review.campaigns;

import static io.vigil.db.jooq.Tables.CAMPAIGN;
import static io.vigil.db.jooq.Tables.CAMPAIGN_DECISION;
import static io.vigil.db.jooq.Tables.CAMPAIGN_DEFINITION;
import static io.vigil.db.jooq.Tables.CAMPAIGN_ITEM;
import static io.vigil.db.jooq.Tables.CAMPAIGN_NOTICE;

import io.vigil.db.jooq.tables.records.CampaignItemRecord;
import io.vigil.db.jooq.tables.records.CampaignRecord;
import io.vigil.reporting.AgentHistory;
import io.vigil.reporting.ApprovalEvent;
import io.vigil.reporting.CampaignFacts;
import io.vigil.reporting.Control;
import io.vigil.reporting.DecisionEvent;
import io.vigil.reporting.EvidencePack;
import io.vigil.reporting.Population;
import io.vigil.reporting.ReviewedItem;
import io.vigil.reporting.Rows;
import io.vigil.reporting.SignOff;
import io.vigil.reporting.StandingGrant;
import io.vigil.reporting.TrailCheck;
import io.vigil.review.approvals.ApprovalService;
import io.vigil.review.usage.Grant;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.impl.DSL;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A campaign as the evidence pack tells it, read from the store: the facts, the population and its
 * reconciliation with the definition's previous campaign, the items (streamed with a cursor), every
 * decision, the notices and the sign-off. Callers authorize and choose the transaction: a pack is
 * read inside one repeatable-read snapshot so all its parts agree.
 */
@Component
public class CampaignEvidence {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int FETCH = 500;

    private final DSLContext db;
    private final ApprovalService approvals;

    CampaignEvidence(DSLContext db, ApprovalService approvals) {
        this.db = db;
        this.approvals = approvals;
    }

    /** Whether the campaign exists, and its period's start (what the trail check counts from). */
    public Instant periodStart(UUID campaignId) {
        OffsetDateTime start = db.select(CAMPAIGN.PERIOD_START)
                .from(CAMPAIGN)
                .where(CAMPAIGN.ID.eq(campaignId))
                .fetchOne(CAMPAIGN.PERIOD_START);
        if (start == null) {
            throw new IllegalArgumentException("no such campaign");
        }
        return start.toInstant();
    }

    /**
     * @param progress told each item's number as the items are walked (each walk restarts at 1)
     */
    public EvidencePack pack(
            UUID campaignId, TrailCheck trail, String generatedBy, Instant now, Consumer<Integer> progress) {
        CampaignRecord c =
                db.selectFrom(CAMPAIGN).where(CAMPAIGN.ID.eq(campaignId)).fetchOne();
        if (c == null) {
            throw new IllegalArgumentException("no such campaign");
        }
        JsonNode settings = JSON.readTree(c.getSettings().data());
        Settings.Launched launched = Settings.read(c.getSettings().data());
        String description = db.select(CAMPAIGN_DEFINITION.DESCRIPTION)
                .from(CAMPAIGN_DEFINITION)
                .where(CAMPAIGN_DEFINITION.ID.eq(c.getDefinitionId()))
                .fetchOne(CAMPAIGN_DEFINITION.DESCRIPTION);
        CampaignFacts facts = new CampaignFacts(
                c.getId(),
                c.getName(),
                settings.path("name").asString(),
                description == null ? "" : description,
                scope(settings),
                c.getPeriodStart().toInstant(),
                c.getPeriodEnd().toInstant(),
                c.getLaunchedAt().toInstant(),
                c.getDueAt().toInstant(),
                instant(c.getClosedAt()),
                c.getState(),
                launched.twoStages() ? 2 : 1,
                launched.defaultDecision(),
                launched.owner(),
                launched.fallbackReviewer());
        return new EvidencePack(
                facts,
                Control.ACCESS_REVIEW,
                population(c),
                items(campaignId, progress),
                decisions(campaignId),
                approvals(c),
                standing(c),
                signOff(c, launched.owner()),
                trail,
                now,
                generatedBy);
    }

    private List<UUID> populationOf(CampaignRecord c) {
        return db.select(CAMPAIGN_ITEM.AGENT_ID)
                .from(CAMPAIGN_ITEM)
                .where(CAMPAIGN_ITEM.CAMPAIGN_ID.eq(c.getId()))
                .fetch(CAMPAIGN_ITEM.AGENT_ID);
    }

    /** The population's standing approvals in force at some time in the period. */
    private List<StandingGrant> standing(CampaignRecord c) {
        return approvals.standingDuring(populationOf(c), c.getPeriodStart(), c.getPeriodEnd()).stream()
                .map(s -> new StandingGrant(
                        s.agent(),
                        s.sql(),
                        s.policy(),
                        s.rule(),
                        s.terms(),
                        s.uses(),
                        s.grantedBy(),
                        s.grantedAt().toInstant(),
                        s.reason(),
                        s.withdrawnBy() == null
                                ? ""
                                : s.withdrawnBy() + ", " + s.withdrawnAt().toInstant()))
                .toList();
    }

    /** What the population's agents put to a person in the campaign's period. */
    private Rows<ApprovalEvent> approvals(CampaignRecord c) {
        List<ApprovalEvent> events = approvals.courses(populationOf(c), c.getPeriodStart(), c.getPeriodEnd()).stream()
                .map(a -> new ApprovalEvent(
                        a.agent(),
                        a.requestedAt().toInstant(),
                        a.policy(),
                        a.rule(),
                        a.statement(),
                        a.outcome(),
                        a.decidedBy(),
                        a.reason(),
                        a.exactRows(),
                        a.waited()))
                .toList();
        return Rows.of(events);
    }

    /** Every campaign an agent was reviewed in, and every decision made on it, ever. */
    public AgentHistory history(UUID agentId, Instant now) {
        List<AgentHistory.Review> reviews = db.select(CAMPAIGN_ITEM.asterisk(), CAMPAIGN.NAME, CAMPAIGN.LAUNCHED_AT)
                .from(CAMPAIGN_ITEM)
                .join(CAMPAIGN)
                .on(CAMPAIGN.ID.eq(CAMPAIGN_ITEM.CAMPAIGN_ID))
                .where(CAMPAIGN_ITEM.AGENT_ID.eq(agentId))
                .orderBy(CAMPAIGN.LAUNCHED_AT)
                .fetch(r -> {
                    CampaignItemRecord i = r.into(CAMPAIGN_ITEM);
                    return new AgentHistory.Review(
                            r.get(CAMPAIGN.NAME),
                            r.get(CAMPAIGN.LAUNCHED_AT).toInstant(),
                            i.getAgentName(),
                            i.getOwner(),
                            i.getRecommendation(),
                            i.getRecommendationReason(),
                            i.getDecision(),
                            i.getDecidedBy(),
                            instant(i.getDecidedAt()),
                            i.getDefaulted(),
                            i.getRemediation() == null ? "none" : i.getRemediation());
                });
        List<DecisionEvent> decisions = decisionQuery(CAMPAIGN_ITEM.AGENT_ID.eq(agentId))
                .orderBy(CAMPAIGN_DECISION.DECIDED_AT, CAMPAIGN_DECISION.ID)
                .fetch(CampaignEvidence::decision);
        String name = reviews.isEmpty() ? null : reviews.getLast().agent();
        return new AgentHistory(agentId.toString(), name, reviews, decisions, now);
    }

    private static String scope(JsonNode settings) {
        List<String> parts = new ArrayList<>();
        addScope(parts, "target ids", settings.path("scope_targets"));
        addScope(parts, "owners", settings.path("scope_owners"));
        addScope(parts, "tags", settings.path("scope_tags"));
        return parts.isEmpty() ? "every agent" : "agents matching " + String.join("; ", parts);
    }

    private static void addScope(List<String> parts, String name, JsonNode values) {
        List<String> list = new ArrayList<>();
        values.forEach(v -> list.add(v.asString()));
        if (!list.isEmpty()) {
            parts.add(name + ": " + String.join(", ", list));
        }
    }

    private Population population(CampaignRecord c) {
        CampaignRecord previous = db.selectFrom(CAMPAIGN)
                .where(CAMPAIGN.DEFINITION_ID.eq(c.getDefinitionId()))
                .and(CAMPAIGN.LAUNCHED_AT.lt(c.getLaunchedAt()))
                .orderBy(CAMPAIGN.LAUNCHED_AT.desc())
                .limit(1)
                .fetchOne();
        String hash = HexFormat.of().formatHex(c.getPopulationHash());
        if (previous == null) {
            return new Population(hash, null, null, List.of(), List.of());
        }
        return new Population(
                hash,
                previous.getName() + " (launched " + previous.getLaunchedAt().toInstant() + ")",
                HexFormat.of().formatHex(previous.getPopulationHash()),
                onlyIn(c.getId(), previous.getId()),
                onlyIn(previous.getId(), c.getId()));
    }

    /** Agents reviewed in {@code campaign} and not in {@code other}. */
    private List<String> onlyIn(UUID campaign, UUID other) {
        var o = CAMPAIGN_ITEM.as("o");
        return db.select(CAMPAIGN_ITEM.AGENT_NAME)
                .from(CAMPAIGN_ITEM)
                .where(CAMPAIGN_ITEM.CAMPAIGN_ID.eq(campaign))
                .andNotExists(DSL.selectOne()
                        .from(o)
                        .where(o.CAMPAIGN_ID.eq(other))
                        .and(o.AGENT_ID.eq(CAMPAIGN_ITEM.AGENT_ID)))
                .orderBy(CAMPAIGN_ITEM.AGENT_NAME)
                .fetch(CAMPAIGN_ITEM.AGENT_NAME);
    }

    private Rows<ReviewedItem> items(UUID campaignId, Consumer<Integer> progress) {
        Field<String[]> refusals = DSL.field(DSL.select(DSL.arrayAgg(CAMPAIGN_DECISION
                                        .DECIDED_BY
                                        .concat(" (stage ")
                                        .concat(CAMPAIGN_DECISION.STAGE.cast(String.class))
                                        .concat(", ")
                                        .concat(CAMPAIGN_DECISION.DECISION)
                                        .concat(") refused: ")
                                        .concat(CAMPAIGN_DECISION.REFUSED))
                                .orderBy(CAMPAIGN_DECISION.ID))
                        .from(CAMPAIGN_DECISION)
                        .where(CAMPAIGN_DECISION.ITEM_ID.eq(CAMPAIGN_ITEM.ID))
                        .and(CAMPAIGN_DECISION.REFUSED.isNotNull()))
                .as("refusals");
        return each -> {
            int[] n = {0};
            try (Stream<Record> rows = db.select(CAMPAIGN_ITEM.asterisk(), refusals)
                    .from(CAMPAIGN_ITEM)
                    .where(CAMPAIGN_ITEM.CAMPAIGN_ID.eq(campaignId))
                    .orderBy(CAMPAIGN_ITEM.AGENT_ID) // the population's order
                    .fetchSize(FETCH)
                    .fetchStream()) {
                rows.forEach(r -> {
                    each.accept(item(r.into(CAMPAIGN_ITEM), r.get(refusals)));
                    progress.accept(++n[0]);
                });
            }
        };
    }

    private static ReviewedItem item(CampaignItemRecord i, String[] refusals) {
        Evidence e = EvidenceJson.read(i.getEvidence().data());
        String remediation = i.getRemediation() == null ? "none" : i.getRemediation();
        return new ReviewedItem(
                i.getAgentId().toString(),
                i.getAgentName(),
                i.getOwner(),
                i.getTargetName(),
                i.getUpstreamRole(),
                e.grants().stream().map(CampaignEvidence::grant).toList(),
                usage(e),
                HexFormat.of().formatHex(i.getEvidenceHash()),
                Arrays.equals(EvidenceJson.sha256(i.getEvidence().data()), i.getEvidenceHash()),
                i.getRecommendation(),
                i.getRecommendationReason(),
                i.getAssignedReviewer(),
                i.getReviewer(),
                i.getDecision(),
                i.getJustification(),
                i.getDefaulted() ? null : i.getDecidedBy(),
                instant(i.getDecidedAt()),
                i.getBulk(),
                i.getDefaulted(),
                i.getDefaulted() || i.getOverdueAt() != null,
                i.getStage(),
                i.getFirstDecision(),
                i.getFirstDecidedBy(),
                refusals == null ? List.of() : List.of(refusals),
                remediation.equals("none")
                        ? ReviewedItem.Remediation.NONE
                        : new ReviewedItem.Remediation(
                                remediation,
                                List.of(i.getRemediationStatements()),
                                i.getRemediationDetail() == null ? "" : i.getRemediationDetail(),
                                remediation.equals("verified") || remediation.equals("failed")
                                        ? instant(i.getRemediatedAt())
                                        : null));
    }

    static String grant(Grant g) {
        return switch (g.kind()) {
            case "attribute" -> g.privilege() + " (role attribute)";
            case "membership" -> "member of " + g.object() + via(g);
            default -> g.privilege() + " on " + g.kind() + " " + g.object() + via(g);
        };
    }

    private static String via(Grant g) {
        return g.via().equals("direct") ? "" : ", via " + g.via();
    }

    static String usage(Evidence e) {
        StringBuilder s = new StringBuilder().append(String.format("%,d statement(s) in the period", e.statements()));
        if (e.ddl() > 0 || e.denials() > 0) {
            s.append(String.format(" (%,d DDL, %,d denied)", e.ddl(), e.denials()));
        }
        s.append("; last activity ").append(e.lastActivity() == null ? "never" : seconds(e.lastActivity()));
        if (!e.policies().isEmpty()) {
            s.append("; judged by ").append(String.join(", ", e.policies()));
        }
        for (RelationUse u : e.usage()) {
            s.append(String.format(
                    "%n%s %s: %,d since %s, last %s",
                    u.operation(),
                    u.relation(),
                    u.statements(),
                    u.firstAt() == null ? "?" : u.firstAt().toLocalDate(),
                    u.lastAt() == null ? "?" : seconds(u.lastAt())));
        }
        return s.toString();
    }

    private static Instant seconds(OffsetDateTime t) {
        return t.toInstant().truncatedTo(ChronoUnit.SECONDS);
    }

    private Rows<DecisionEvent> decisions(UUID campaignId) {
        return each -> {
            try (Stream<Record> rows = decisionQuery(CAMPAIGN_ITEM.CAMPAIGN_ID.eq(campaignId))
                    .orderBy(CAMPAIGN_DECISION.ID)
                    .fetchSize(FETCH)
                    .fetchStream()) {
                rows.forEach(r -> each.accept(decision(r)));
            }
        };
    }

    private org.jooq.SelectConditionStep<Record> decisionQuery(org.jooq.Condition which) {
        return db.select(CAMPAIGN_DECISION.asterisk(), CAMPAIGN_ITEM.AGENT_NAME, CAMPAIGN.NAME)
                .from(CAMPAIGN_DECISION)
                .join(CAMPAIGN_ITEM)
                .on(CAMPAIGN_ITEM.ID.eq(CAMPAIGN_DECISION.ITEM_ID))
                .join(CAMPAIGN)
                .on(CAMPAIGN.ID.eq(CAMPAIGN_ITEM.CAMPAIGN_ID))
                .where(which);
    }

    private static DecisionEvent decision(Record r) {
        return new DecisionEvent(
                r.get(CAMPAIGN.NAME),
                r.get(CAMPAIGN_ITEM.AGENT_NAME),
                r.get(CAMPAIGN_DECISION.STAGE),
                r.get(CAMPAIGN_DECISION.DECISION),
                r.get(CAMPAIGN_DECISION.JUSTIFICATION),
                r.get(CAMPAIGN_DECISION.DECIDED_BY),
                r.get(CAMPAIGN_DECISION.DECIDED_AT).toInstant(),
                r.get(CAMPAIGN_DECISION.BULK),
                r.get(CAMPAIGN_DECISION.REFUSED));
    }

    private SignOff signOff(CampaignRecord c, String owner) {
        List<SignOff.Notice> notices = db.selectFrom(CAMPAIGN_NOTICE)
                .where(CAMPAIGN_NOTICE.CAMPAIGN_ID.eq(c.getId()))
                .orderBy(CAMPAIGN_NOTICE.ID)
                .fetch(n -> new SignOff.Notice(
                        n.getKind(),
                        n.getRecipient(),
                        n.getItems(),
                        n.getSentAt().toInstant(),
                        n.getMailError()));
        return new SignOff(owner, c.getSignedOffBy(), instant(c.getSignedOffAt()), c.getSignOffNote(), notices);
    }

    private static Instant instant(OffsetDateTime t) {
        return t == null ? null : t.toInstant();
    }
}
