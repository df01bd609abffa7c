package io.vigil.review.campaigns;

import static io.vigil.db.jooq.Tables.AGENT;
import static io.vigil.db.jooq.Tables.AGENT_FLAG;
import static io.vigil.db.jooq.Tables.CAMPAIGN;
import static io.vigil.db.jooq.Tables.CAMPAIGN_ITEM;
import static io.vigil.db.jooq.Tables.CAMPAIGN_NOTICE;
import static org.jooq.impl.DSL.count;

import io.vigil.db.jooq.tables.records.CampaignRecord;
import io.vigil.review.gateway.AuditTrail;
import io.vigil.review.security.CurrentViewer;
import io.vigil.review.security.Role;
import io.vigil.review.security.Viewer;
import io.vigil.review.store.StoreMigration;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Campaigns as people follow them: progress, items, notices, the owner's sign-off, and the flags
 * reviews raised. Administrators and auditors see every campaign; the campaign's owner sees theirs
 * whole; a reviewer or an agent's owner sees the items that are theirs.
 */
@Service
public class CampaignService {

    private final DSLContext db;
    private final CurrentViewer viewer;
    private final ReviewService reviews;
    private final CampaignLifecycle lifecycle;
    private final CampaignScheduler scheduler;
    private final AuditTrail trail;
    private final ApplicationEventPublisher events;
    private final Clock clock;

    CampaignService(
            DSLContext db,
            CurrentViewer viewer,
            ReviewService reviews,
            CampaignLifecycle lifecycle,
            CampaignScheduler scheduler,
            AuditTrail trail,
            Clock clock,
            ApplicationEventPublisher events,
            StoreMigration migrated) {
        this.db = db;
        this.events = events;
        this.viewer = viewer;
        this.reviews = reviews;
        this.lifecycle = lifecycle;
        this.scheduler = scheduler;
        this.trail = trail;
        this.clock = clock;
    }

    /** The campaigns the viewer follows, newest first. */
    public List<CampaignSummary> campaigns() {
        Viewer v = requireAnyRole();
        Condition visible = seesEverything(v)
                ? DSL.trueCondition()
                : DSL.condition("{0} ->> 'owner' = {1}", CAMPAIGN.SETTINGS, DSL.val(v.name()))
                        .or(DSL.exists(DSL.selectOne()
                                .from(CAMPAIGN_ITEM)
                                .where(CAMPAIGN_ITEM.CAMPAIGN_ID.eq(CAMPAIGN.ID))
                                .and(CAMPAIGN_ITEM.REVIEWER.eq(v.name()).or(CAMPAIGN_ITEM.OWNER.eq(v.name())))));
        return db.selectFrom(CAMPAIGN)
                .where(visible)
                .orderBy(CAMPAIGN.LAUNCHED_AT.desc())
                .fetch(this::summary);
    }

    public CampaignSummary campaign(UUID id) {
        return summary(visibleCampaign(id));
    }

    /** The campaign's items the viewer may see. */
    public List<ReviewItem> items(UUID campaignId) {
        Viewer v = viewer.get();
        CampaignRecord c = visibleCampaign(campaignId);
        Condition mine = wholeCampaign(v, c)
                ? DSL.trueCondition()
                : CAMPAIGN_ITEM.REVIEWER.eq(v.name()).or(CAMPAIGN_ITEM.OWNER.eq(v.name()));
        return reviews.items(CAMPAIGN_ITEM.CAMPAIGN_ID.eq(campaignId).and(mine));
    }

    public List<Notice> notices(UUID campaignId) {
        visibleCampaign(campaignId);
        return db.selectFrom(CAMPAIGN_NOTICE)
                .where(CAMPAIGN_NOTICE.CAMPAIGN_ID.eq(campaignId))
                .orderBy(CAMPAIGN_NOTICE.ID.desc())
                .fetch(n -> new Notice(n.getKind(), n.getRecipient(), n.getItems(), n.getSentAt(), n.getMailError()));
    }

    /** Whether the viewer signs {@code c} off now: its owner, once it waits for that. */
    public boolean maySignOff(CampaignSummary c) {
        return c.state().equals("sign-off") && c.owner().equals(viewer.get().name());
    }

    /**
     * The campaign owner's acknowledgement: the outcome is appropriate. The campaign is then closed
     * and nothing in it changes again.
     */
    @Transactional
    public void signOff(UUID campaignId, String note) {
        Viewer v = viewer.get();
        CampaignRecord c = db.selectFrom(CAMPAIGN)
                .where(CAMPAIGN.ID.eq(campaignId))
                .forUpdate()
                .fetchOne();
        if (c == null || !Settings.read(c.getSettings().data()).owner().equals(v.name())) {
            throw new AccessDeniedException("only the campaign's owner signs it off");
        }
        if (!c.getState().equals("sign-off")) {
            throw new IllegalArgumentException(c.getName() + " is " + c.getState() + ", not waiting for its sign-off");
        }
        int pending = db.fetchCount(
                CAMPAIGN_ITEM,
                CAMPAIGN_ITEM.CAMPAIGN_ID.eq(campaignId).and(CAMPAIGN_ITEM.REMEDIATION.in("pending", "running")));
        if (pending > 0) {
            throw new IllegalArgumentException(pending + " remediation(s) have not run yet; wait for them");
        }
        String text = note == null ? "" : note.strip();
        if (text.isEmpty()
                || text.length() > 2000
                || text.chars().anyMatch(ch -> Character.isISOControl(ch) && ch != '\n')) {
            throw new IllegalArgumentException("write the acknowledgement (up to 2000 characters)");
        }
        int failed = db.fetchCount(
                CAMPAIGN_ITEM, CAMPAIGN_ITEM.CAMPAIGN_ID.eq(campaignId).and(CAMPAIGN_ITEM.REMEDIATION.eq("failed")));
        OffsetDateTime now = OffsetDateTime.now(clock);
        c.setSignedOffBy(v.name());
        c.setSignedOffAt(now);
        c.setSignOffNote(text);
        c.setState("closed");
        c.setClosedAt(now);
        c.update();
        scheduler.forget(campaignId);
        events.publishEvent(new CampaignClosed(campaignId, c.getName()));
        trail.record(
                v.name(),
                "campaign.sign-off",
                "campaign",
                campaignId,
                c.getName(),
                "signed off and closed" + (failed == 0 ? "" : " with " + failed + " failed remediation(s)") + ": "
                        + text);
    }

    /** Whether the viewer may close a stage early (administrators). */
    public boolean mayCloseStages() {
        return viewer.get().has(Role.ADMIN);
    }

    /**
     * Closes the campaign's current stage now instead of at its close date, as the schedule would:
     * undecided items take the default, then the second stage starts or remediation runs. The
     * reason is kept in the trail.
     */
    public void closeStageNow(UUID campaignId, String reason) {
        Viewer v = requireAdmin();
        if (reason == null || reason.isBlank() || reason.length() > 1000) {
            throw new IllegalArgumentException("say why the stage closes early (up to 1000 characters)");
        }
        CampaignRecord c = visibleCampaign(campaignId);
        if (!c.getState().equals("review")) {
            throw new IllegalArgumentException("only a campaign under review has a stage to close");
        }
        trail.record(
                v.name(),
                "campaign.close-stage-early",
                "campaign",
                campaignId,
                c.getName(),
                "stage " + c.getStage() + " closed early (due " + c.getDueAt().toInstant() + "): " + reason.strip());
        lifecycle.closeStage(campaignId, c.getStage());
    }

    /**
     * The campaign a definition launched at or after {@code since}, for the administrator who just
     * asked for a launch (it runs in the scheduler a moment later).
     */
    public Optional<CampaignSummary> launchedSince(UUID definitionId, OffsetDateTime since) {
        requireAdmin();
        return db.selectFrom(CAMPAIGN)
                .where(CAMPAIGN.DEFINITION_ID.eq(definitionId))
                .and(CAMPAIGN.LAUNCHED_AT.ge(since))
                .orderBy(CAMPAIGN.LAUNCHED_AT.desc())
                .limit(1)
                .fetchOptional()
                .map(this::summary);
    }

    /** Runs the failed remediations of a campaign waiting for its sign-off again. */
    public void retryRemediation(UUID campaignId) {
        Viewer v = requireAdmin();
        CampaignRecord c = visibleCampaign(campaignId);
        if (!c.getState().equals("sign-off")) {
            throw new IllegalArgumentException("only a campaign waiting for its sign-off remediates");
        }
        trail.record(v.name(), "campaign.retry-remediation", "campaign", campaignId, c.getName(), "asked to retry");
        lifecycle.remediatePending(campaignId, true);
    }

    /** Flags raised by reviews: the open ones first. */
    public List<Flag> flags() {
        Viewer v = requireAnyRole();
        Condition visible = seesEverything(v) ? DSL.trueCondition() : AGENT.OWNER.eq(v.name());
        return db.select(AGENT_FLAG.fields())
                .select(AGENT.NAME)
                .from(AGENT_FLAG)
                .join(AGENT)
                .on(AGENT.ID.eq(AGENT_FLAG.AGENT_ID))
                .where(visible)
                .orderBy(AGENT_FLAG.RESOLVED_AT.isNotNull(), AGENT_FLAG.RAISED_AT.desc())
                .fetch(r -> new Flag(
                        r.get(AGENT_FLAG.ID),
                        r.get(AGENT_FLAG.AGENT_ID),
                        r.get(AGENT.NAME),
                        r.get(AGENT_FLAG.RAISED_BY),
                        r.get(AGENT_FLAG.RAISED_AT),
                        r.get(AGENT_FLAG.REASON),
                        r.get(AGENT_FLAG.RESOLVED_BY),
                        r.get(AGENT_FLAG.RESOLVED_AT),
                        r.get(AGENT_FLAG.RESOLUTION)));
    }

    /** An administrator closes an investigation with what they found and did. */
    @Transactional
    public void resolveFlag(UUID flagId, String note) {
        Viewer v = requireAdmin();
        String text = note == null ? "" : note.strip();
        if (text.isEmpty() || text.length() > 2000) {
            throw new IllegalArgumentException("say what was found and done (up to 2000 characters)");
        }
        var flag = db.select(AGENT_FLAG.AGENT_ID, AGENT.NAME, AGENT_FLAG.RESOLVED_AT)
                .from(AGENT_FLAG)
                .join(AGENT)
                .on(AGENT.ID.eq(AGENT_FLAG.AGENT_ID))
                .where(AGENT_FLAG.ID.eq(flagId))
                .forUpdate()
                .of(AGENT_FLAG)
                .fetchOne();
        if (flag == null || flag.value3() != null) {
            throw new IllegalArgumentException("no open flag of that id");
        }
        db.update(AGENT_FLAG)
                .set(AGENT_FLAG.RESOLVED_BY, v.name())
                .set(AGENT_FLAG.RESOLVED_AT, OffsetDateTime.now(clock))
                .set(AGENT_FLAG.RESOLUTION, text)
                .where(AGENT_FLAG.ID.eq(flagId))
                .execute();
        trail.record(v.name(), "flag.resolve", "agent", flag.value1(), flag.value2(), text);
    }

    private CampaignSummary summary(CampaignRecord c) {
        Map<String, Integer> byDecision = new LinkedHashMap<>();
        Map<String, Integer> remediation = new LinkedHashMap<>();
        OffsetDateTime now = OffsetDateTime.now(clock);
        boolean reviewing = c.getState().equals("review");
        List<CampaignSummary.ReviewerProgress> reviewers = new ArrayList<>();
        int decided = 0;
        int overdue = 0;
        for (var r : db.select(CAMPAIGN_ITEM.DECISION, CAMPAIGN_ITEM.REMEDIATION, count())
                .from(CAMPAIGN_ITEM)
                .where(CAMPAIGN_ITEM.CAMPAIGN_ID.eq(c.getId()))
                .groupBy(CAMPAIGN_ITEM.DECISION, CAMPAIGN_ITEM.REMEDIATION)
                .fetch()) {
            if (r.value1() != null) {
                byDecision.merge(r.value1(), r.value3(), Integer::sum);
                decided += r.value3();
            }
            if (r.value2() != null) {
                remediation.merge(r.value2(), r.value3(), Integer::sum);
            }
        }
        for (var r : db.select(CAMPAIGN_ITEM.REVIEWER, count(), count().filterWhere(CAMPAIGN_ITEM.DECISION.isNotNull()))
                .from(CAMPAIGN_ITEM)
                .where(CAMPAIGN_ITEM.CAMPAIGN_ID.eq(c.getId()))
                .and(CAMPAIGN_ITEM.STAGE.eq(c.getStage()))
                .groupBy(CAMPAIGN_ITEM.REVIEWER)
                .orderBy(CAMPAIGN_ITEM.REVIEWER)
                .fetch()) {
            int late = reviewing && now.isAfter(c.getDueAt()) ? r.value2() - r.value3() : 0;
            overdue += late;
            reviewers.add(new CampaignSummary.ReviewerProgress(r.value1(), r.value2(), r.value3(), late));
        }
        return new CampaignSummary(
                c.getId(),
                c.getName(),
                c.getState(),
                c.getStage(),
                c.getLaunchedAt(),
                c.getPeriodStart(),
                c.getPeriodEnd(),
                c.getDueAt(),
                c.getClosesAt(),
                c.getItems(),
                decided,
                overdue,
                HexFormat.of().formatHex(c.getPopulationHash()),
                Settings.read(c.getSettings().data()).owner(),
                c.getSignedOffBy(),
                c.getSignedOffAt(),
                c.getSignOffNote(),
                byDecision,
                List.copyOf(reviewers),
                remediation);
    }

    private CampaignRecord visibleCampaign(UUID id) {
        Viewer v = requireAnyRole();
        CampaignRecord c = db.selectFrom(CAMPAIGN).where(CAMPAIGN.ID.eq(id)).fetchOne();
        if (c == null) {
            throw new AccessDeniedException("no campaign you may see");
        }
        if (wholeCampaign(v, c)
                || db.fetchExists(
                        CAMPAIGN_ITEM,
                        CAMPAIGN_ITEM
                                .CAMPAIGN_ID
                                .eq(id)
                                .and(CAMPAIGN_ITEM.REVIEWER.eq(v.name()).or(CAMPAIGN_ITEM.OWNER.eq(v.name()))))) {
            return c;
        }
        throw new AccessDeniedException("no campaign you may see");
    }

    private static boolean wholeCampaign(Viewer v, CampaignRecord c) {
        return seesEverything(v)
                || Settings.read(c.getSettings().data()).owner().equals(v.name());
    }

    private static boolean seesEverything(Viewer v) {
        return v.has(Role.ADMIN) || v.has(Role.AUDITOR);
    }

    private Viewer requireAnyRole() {
        Viewer v = viewer.get();
        if (!v.hasAnyRole()) {
            throw new AccessDeniedException("you have no role in Vigil");
        }
        return v;
    }

    private Viewer requireAdmin() {
        Viewer v = viewer.get();
        if (!v.has(Role.ADMIN)) {
            throw new AccessDeniedException("only an administrator does that");
        }
        return v;
    }
}
