package io.vigil.review.campaigns;

import static io.vigil.db.jooq.Tables.CAMPAIGN;
import static io.vigil.db.jooq.Tables.CAMPAIGN_DECISION;
import static io.vigil.db.jooq.Tables.CAMPAIGN_ITEM;

import io.vigil.db.jooq.tables.records.CampaignItemRecord;
import io.vigil.review.gateway.AuditTrail;
import io.vigil.review.security.CurrentViewer;
import io.vigil.review.security.Viewer;
import io.vigil.review.store.StoreMigration;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.jooq.impl.DSL;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A reviewer's work: the items assigned to them in campaigns under review, and their decisions.
 * Every decision needs a justification, may be changed until its stage closes, and is checked for
 * separation of duties when it is made; a refused one is kept (in the decision history and the
 * trail) like an accepted one.
 */
@Service
public class ReviewService {

    private static final int MAX_JUSTIFICATION = 2000;

    private final DSLContext db;
    private final CurrentViewer viewer;
    private final AuditTrail trail;
    private final TransactionTemplate transaction;
    private final Clock clock;

    ReviewService(
            DSLContext db,
            CurrentViewer viewer,
            AuditTrail trail,
            TransactionTemplate transaction,
            Clock clock,
            StoreMigration migrated) {
        this.db = db;
        this.viewer = viewer;
        this.trail = trail;
        this.transaction = transaction;
        this.clock = clock;
    }

    /** The viewer's items in campaigns under review, undecided first, then by agent. */
    public List<ReviewItem> worklist() {
        Viewer v = viewer.get();
        if (!v.hasAnyRole()) {
            throw new AccessDeniedException("you have no role in Vigil");
        }
        return items(CAMPAIGN_ITEM
                .REVIEWER
                .eq(v.name())
                .and(CAMPAIGN.STATE.eq("review"))
                .and(CAMPAIGN_ITEM.STAGE.eq(CAMPAIGN.STAGE)));
    }

    /**
     * Decides items: each must be the viewer's, in a stage still open, and not one they may not
     * decide (separation of duties). What cannot be decided is refused, recorded, and said.
     *
     * @param decision attest, revoke, reduce or flag
     */
    public Decided decide(Collection<UUID> itemIds, String decision, String justification) {
        Viewer v = viewer.get();
        if (!v.hasAnyRole()) {
            throw new AccessDeniedException("you have no role in Vigil");
        }
        if (!CampaignDefinition.DECISIONS.contains(decision)) {
            throw new IllegalArgumentException("decide attest, revoke, reduce or flag");
        }
        String why = checkJustification(justification);
        if (itemIds.isEmpty()) {
            throw new IllegalArgumentException("choose the items to decide");
        }
        boolean bulk = itemIds.size() > 1;
        int decided = 0;
        List<String> refused = new ArrayList<>();
        for (UUID id : itemIds) {
            String refusal = transaction.execute(tx -> decideOne(v, id, decision, why, bulk));
            if (refusal == null) {
                decided++;
            } else {
                refused.add(refusal);
            }
        }
        return new Decided(decided, List.copyOf(refused));
    }

    /**
     * Locks the campaign for share first: a stage close holds it for update, so a decision either
     * commits before the close reads the undecided items, or waits and then sees the stage closed.
     *
     * @return null if decided, else why not (and that is recorded)
     */
    private String decideOne(Viewer v, UUID id, String decision, String why, boolean bulk) {
        UUID campaignId = db.select(CAMPAIGN_ITEM.CAMPAIGN_ID)
                .from(CAMPAIGN_ITEM)
                .where(CAMPAIGN_ITEM.ID.eq(id))
                .fetchOne(CAMPAIGN_ITEM.CAMPAIGN_ID);
        Record c = campaignId == null
                ? null
                : db.select(CAMPAIGN.NAME, CAMPAIGN.STATE, CAMPAIGN.STAGE)
                        .from(CAMPAIGN)
                        .where(CAMPAIGN.ID.eq(campaignId))
                        .forShare()
                        .fetchOne();
        CampaignItemRecord item = c == null
                ? null
                : db.selectFrom(CAMPAIGN_ITEM)
                        .where(CAMPAIGN_ITEM.ID.eq(id))
                        .forUpdate()
                        .fetchOne();
        if (item == null || !item.getReviewer().equals(v.name())) {
            throw new AccessDeniedException("that item is not yours to decide");
        }
        String campaign = c.get(CAMPAIGN.NAME);
        if (!c.get(CAMPAIGN.STATE).equals("review") || item.getStage() != c.get(CAMPAIGN.STAGE)) {
            return item.getAgentName() + ": its stage is closed; decisions are final";
        }
        if (decision.equals("reduce") && item.getReduceStatements().length == 0) {
            return item.getAgentName() + ": there is nothing to reduce (no unused write privilege was found)";
        }
        String lastChanger = Separation.lastAccessChangers(db, DSL.select(DSL.val(item.getAgentId())))
                .get(item.getAgentId());
        String conflict = Separation.conflict(v.name(), item.getAgentName(), lastChanger);
        if (conflict == null && item.getStage() == 2 && v.name().equals(item.getFirstDecidedBy())) {
            conflict = v.name() + " made the first-stage decision the second stage reviews";
        }
        OffsetDateTime now = OffsetDateTime.now(clock);
        insertHistory(item, decision, why, v.name(), now, bulk, conflict);
        if (conflict != null) {
            trail.record(
                    v.name(),
                    "campaign.decision-refused",
                    "agent",
                    item.getAgentId(),
                    item.getAgentName(),
                    decision + " in " + campaign + " refused: " + conflict);
            return item.getAgentName() + ": " + conflict + " (separation of duties)";
        }
        String before = item.getDecision();
        item.setDecision(decision);
        item.setJustification(why);
        item.setDecidedBy(v.name());
        item.setDecidedAt(now);
        item.setBulk(bulk);
        item.setDefaulted(false);
        item.update();
        trail.record(
                v.name(),
                "campaign.decide",
                "agent",
                item.getAgentId(),
                item.getAgentName(),
                (before == null ? "" : before + " -> ") + decision + " in " + campaign + " (stage " + item.getStage()
                        + (bulk ? ", bulk" : "") + "; recommended " + item.getRecommendation() + "): " + why);
        return null;
    }

    private void insertHistory(
            CampaignItemRecord item,
            String decision,
            String why,
            String by,
            OffsetDateTime now,
            boolean bulk,
            String refused) {
        db.insertInto(CAMPAIGN_DECISION)
                .set(CAMPAIGN_DECISION.ITEM_ID, item.getId())
                .set(CAMPAIGN_DECISION.STAGE, item.getStage())
                .set(CAMPAIGN_DECISION.DECISION, decision)
                .set(CAMPAIGN_DECISION.JUSTIFICATION, why)
                .set(CAMPAIGN_DECISION.DECIDED_BY, by)
                .set(CAMPAIGN_DECISION.DECIDED_AT, now)
                .set(CAMPAIGN_DECISION.BULK, bulk)
                .set(CAMPAIGN_DECISION.REFUSED, refused)
                .execute();
    }

    /** Items matching {@code condition}, with their campaign; undecided first. */
    List<ReviewItem> items(Condition condition) {
        OffsetDateTime now = OffsetDateTime.now(clock);
        return db.select(CAMPAIGN_ITEM.fields())
                .select(CAMPAIGN.NAME, CAMPAIGN.DUE_AT, CAMPAIGN.STAGE, CAMPAIGN.STATE)
                .from(CAMPAIGN_ITEM)
                .join(CAMPAIGN)
                .on(CAMPAIGN.ID.eq(CAMPAIGN_ITEM.CAMPAIGN_ID))
                .where(condition)
                .orderBy(CAMPAIGN_ITEM.DECISION.isNotNull(), CAMPAIGN_ITEM.AGENT_NAME)
                .fetch(r -> item(r, now));
    }

    static ReviewItem item(Record r, OffsetDateTime now) {
        CampaignItemRecord i = r.into(CAMPAIGN_ITEM);
        OffsetDateTime due = r.get(CAMPAIGN.DUE_AT);
        boolean open = r.get(CAMPAIGN.STATE).equals("review") && i.getStage() == r.get(CAMPAIGN.STAGE);
        return new ReviewItem(
                i.getId(),
                i.getCampaignId(),
                r.get(CAMPAIGN.NAME),
                i.getAgentId(),
                i.getAgentName(),
                i.getOwner(),
                i.getTargetName(),
                i.getUpstreamRole(),
                i.getOwnRole(),
                EvidenceJson.read(i.getEvidence().data()),
                HexFormat.of().formatHex(i.getEvidenceHash()),
                i.getRecommendation(),
                i.getRecommendationReason(),
                List.of(i.getReduceStatements()),
                i.getStage(),
                i.getReviewer(),
                i.getReviewerReason(),
                i.getDecision(),
                i.getJustification(),
                i.getDecidedBy(),
                i.getDecidedAt(),
                i.getBulk(),
                i.getDefaulted(),
                i.getFirstDecision(),
                i.getFirstDecidedBy(),
                i.getRemediation(),
                i.getRemediationDetail(),
                due,
                open && i.getDecision() == null && now.isAfter(due));
    }

    private static String checkJustification(String text) {
        if (text == null
                || text.isBlank()
                || text.length() > MAX_JUSTIFICATION
                || text.chars().anyMatch(c -> Character.isISOControl(c) && c != '\n' && c != '\t')) {
            throw new IllegalArgumentException("say why, in up to " + MAX_JUSTIFICATION + " characters");
        }
        return text.strip();
    }
}
