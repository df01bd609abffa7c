package io.vigil.review.campaigns;

import static io.vigil.db.jooq.Tables.AGENT;
import static io.vigil.db.jooq.Tables.AGENT_FLAG;
import static io.vigil.db.jooq.Tables.CAMPAIGN;
import static io.vigil.db.jooq.Tables.CAMPAIGN_DECISION;
import static io.vigil.db.jooq.Tables.CAMPAIGN_ITEM;
import static io.vigil.db.jooq.Tables.TARGET;
import static org.jooq.impl.DSL.count;

import io.vigil.db.jooq.tables.records.CampaignItemRecord;
import io.vigil.db.jooq.tables.records.CampaignRecord;
import io.vigil.review.gateway.AuditTrail;
import io.vigil.review.ui.Feedback;
import io.vigil.review.usage.GrantService;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * What happens to a campaign over time, as Quartz fires it (Vigil's own acts, no viewer):
 *
 * <pre>
 *   launch ─▶ stage 1: review ─(reminders)─▶ due: escalate undecided to the fallback ─▶ close
 *        close: undecided take the default; with a second stage, the chosen decisions go to it
 *        ─▶ stage 2: review ─▶ due: escalate ─▶ close ─▶ remediate final decisions ─▶ sign-off ─▶ closed
 * </pre>
 *
 * Each step locks the campaign row and checks its state and stage first, so a trigger that fires
 * twice, or late, changes nothing.
 */
@Component
class CampaignLifecycle {

    private static final Logger log = LoggerFactory.getLogger(CampaignLifecycle.class);
    /** A remediation claimed longer ago than this belongs to an instance that died. */
    static final Duration STALE_CLAIM = Duration.ofMinutes(10);

    private final DSLContext db;
    private final DefinitionService definitions;
    private final CampaignLauncher launcher;
    private final CampaignScheduler scheduler;
    private final Notices notices;
    private final Remediation remediation;
    private final AuditTrail trail;
    private final TransactionTemplate transaction;
    private final Clock clock;

    private final GrantService grants;
    private final java.time.Duration privilegesMaxAge;

    CampaignLifecycle(
            DSLContext db,
            DefinitionService definitions,
            CampaignLauncher launcher,
            CampaignScheduler scheduler,
            Notices notices,
            Remediation remediation,
            AuditTrail trail,
            TransactionTemplate transaction,
            Clock clock,
            GrantService grants,
            CampaignProperties properties) {
        this.grants = grants;
        this.privilegesMaxAge = properties.privilegesMaxAge();
        this.db = db;
        this.definitions = definitions;
        this.launcher = launcher;
        this.scheduler = scheduler;
        this.notices = notices;
        this.remediation = remediation;
        this.trail = trail;
        this.transaction = transaction;
        this.clock = clock;
    }

    /**
     * Launches a campaign of the definition, unless its previous one is still under review.
     *
     * @param asked an administrator's "launch now" (a disabled definition launches too), not the schedule
     */
    void launch(UUID definitionId, boolean asked) {
        // Before the launch's transaction: reading a target's catalog can take a while.
        OffsetDateTime privilegesSince = OffsetDateTime.now(clock).minus(privilegesMaxAge);
        definitions
                .find(definitionId)
                .ifPresent(d -> grants.refreshOlderThan(launcher.agentsInScope(d), privilegesSince));
        transaction.executeWithoutResult(tx -> {
            CampaignDefinition d = definitions.find(definitionId).orElse(null);
            if (d == null || !d.enabled() && !asked) {
                return;
            }
            String open = db.select(CAMPAIGN.NAME)
                    .from(CAMPAIGN)
                    .where(CAMPAIGN.DEFINITION_ID.eq(definitionId))
                    .and(CAMPAIGN.STATE.eq("review"))
                    .limit(1)
                    .fetchOne(CAMPAIGN.NAME);
            if (open != null) {
                trail.record(
                        AuditTrail.VIGIL,
                        "campaign.launch-skipped",
                        "campaign-definition",
                        definitionId,
                        d.name(),
                        "the previous campaign, " + open + ", is still under review");
                return;
            }
            OffsetDateTime now = OffsetDateTime.now(clock);
            CampaignLauncher.Launched c = launcher.launch(d, now, privilegesSince);
            OffsetDateTime due = now.plus(d.review());
            scheduler.scheduleStage(
                    c.campaignId(),
                    1,
                    now.toInstant(),
                    due.toInstant(),
                    due.plus(d.escalation()).toInstant(),
                    d.reminders().stream().map(r -> due.minus(r).toInstant()).toList());
            trail.record(
                    AuditTrail.VIGIL,
                    "campaign.launch",
                    "campaign",
                    c.campaignId(),
                    c.name(),
                    c.items() + " items; population SHA-256 " + HexFormat.of().formatHex(c.populationHash()) + "; due "
                            + due);
            for (Map.Entry<String, Integer> reviewer : c.byReviewer().entrySet()) {
                notices.send(
                        c.campaignId(),
                        c.name(),
                        "launch",
                        reviewer.getKey(),
                        reviewer.getValue(),
                        "Review " + reviewer.getValue() + " agent(s) by " + due.toLocalDate(),
                        "The access review " + c.name() + " has started. Please attest, revoke, reduce or flag"
                                + " the " + reviewer.getValue() + " agent(s) assigned to you by " + Feedback.utc(due)
                                + ".");
            }
        });
    }

    /** Reminds every reviewer with undecided items in the stage. */
    void remind(UUID campaignId, int stage) {
        transaction.executeWithoutResult(tx -> {
            CampaignRecord c = lockedInReview(campaignId, stage);
            if (c == null) {
                return;
            }
            for (var pending : undecidedByReviewer(campaignId, stage).entrySet()) {
                notices.send(
                        campaignId,
                        c.getName(),
                        "reminder",
                        pending.getKey(),
                        pending.getValue(),
                        "Reminder: " + pending.getValue() + " agent(s) to review by "
                                + c.getDueAt().toLocalDate(),
                        "You still have " + pending.getValue() + " undecided item(s) in " + c.getName()
                                + ". They are due at " + Feedback.utc(c.getDueAt()) + ".");
            }
        });
    }

    /** The due date passed: undecided items go to the fallback reviewer, who hears of it. */
    void escalate(UUID campaignId, int stage) {
        transaction.executeWithoutResult(tx -> {
            CampaignRecord c = lockedInReview(campaignId, stage);
            if (c == null) {
                return;
            }
            String fallback = Settings.read(c.getSettings().data()).fallbackReviewer();
            db.update(CAMPAIGN_ITEM)
                    .set(CAMPAIGN_ITEM.OVERDUE_AT, c.getDueAt())
                    .where(CAMPAIGN_ITEM.CAMPAIGN_ID.eq(campaignId))
                    .and(CAMPAIGN_ITEM.STAGE.eq(stage))
                    .and(CAMPAIGN_ITEM.DECISION.isNull())
                    .and(CAMPAIGN_ITEM.OVERDUE_AT.isNull())
                    .execute();
            int moved = db.update(CAMPAIGN_ITEM)
                    .set(CAMPAIGN_ITEM.REVIEWER, fallback)
                    .set(
                            CAMPAIGN_ITEM.REVIEWER_REASON,
                            CAMPAIGN_ITEM.REVIEWER.concat(" did not decide by " + c.getDueAt() + "; escalated"))
                    .where(CAMPAIGN_ITEM.CAMPAIGN_ID.eq(campaignId))
                    .and(CAMPAIGN_ITEM.STAGE.eq(stage))
                    .and(CAMPAIGN_ITEM.DECISION.isNull())
                    .and(CAMPAIGN_ITEM.REVIEWER.ne(fallback))
                    .execute();
            if (moved > 0) {
                notices.send(
                        campaignId,
                        c.getName(),
                        "escalation",
                        fallback,
                        moved,
                        "Escalated: " + moved + " overdue agent review(s) in " + c.getName(),
                        moved + " item(s) of " + c.getName() + " were not decided by " + Feedback.utc(c.getDueAt())
                                + " and are now yours. The stage closes at " + Feedback.utc(c.getClosesAt()) + ".");
            }
        });
    }

    /**
     * Closes the stage: undecided items take the default decision; then either the second stage
     * starts, or the final decisions are remediated and the campaign waits for its sign-off.
     */
    void closeStage(UUID campaignId, int stage) {
        boolean remediate = Boolean.TRUE.equals(transaction.execute(tx -> {
            CampaignRecord c = lockedInReview(campaignId, stage);
            if (c == null) {
                return false;
            }
            Settings.Launched s = Settings.read(c.getSettings().data());
            OffsetDateTime now = OffsetDateTime.now(clock);
            applyDefaults(c, s, stage, now);
            if (stage == 1 && s.twoStages() && startSecondStage(c, s, now)) {
                return false;
            }
            markForRemediation(campaignId, now);
            c.setState("sign-off");
            c.update();
            trail.record(
                    AuditTrail.VIGIL,
                    "campaign.stage-close",
                    "campaign",
                    campaignId,
                    c.getName(),
                    "stage " + stage + " closed; decisions are final; remediation starts");
            return true;
        }));
        if (remediate) {
            remediatePending(campaignId, false);
            transaction.executeWithoutResult(tx -> {
                CampaignRecord c = db.selectFrom(CAMPAIGN)
                        .where(CAMPAIGN.ID.eq(campaignId))
                        .fetchOne();
                String owner = Settings.read(c.getSettings().data()).owner();
                notices.send(
                        campaignId,
                        c.getName(),
                        "sign-off",
                        owner,
                        c.getItems(),
                        "Sign off " + c.getName(),
                        c.getName()
                                + " is decided and its remediation has run. Please review the outcome and sign it off.");
            });
        }
    }

    /**
     * Applies and verifies the final decisions still pending (and, when asked, the failed ones);
     * each result is kept on its item. An item is claimed first (one instance remediates it, even
     * with several sweeping), and a claim older than {@link #STALE_CLAIM} is taken over: its
     * instance died.
     */
    void remediatePending(UUID campaignId, boolean retryFailed) {
        String campaign = db.select(CAMPAIGN.NAME)
                .from(CAMPAIGN)
                .where(CAMPAIGN.ID.eq(campaignId))
                .fetchOne(CAMPAIGN.NAME);
        for (UUID id : db.select(CAMPAIGN_ITEM.ID)
                .from(CAMPAIGN_ITEM)
                .where(CAMPAIGN_ITEM.CAMPAIGN_ID.eq(campaignId))
                .and(CAMPAIGN_ITEM.REMEDIATION.in("pending", "running", "failed"))
                .orderBy(CAMPAIGN_ITEM.AGENT_NAME)
                .fetch(CAMPAIGN_ITEM.ID)) {
            CampaignItemRecord item = claim(campaignId, id, retryFailed);
            if (item == null) {
                continue;
            }
            Remediation.Result result;
            try {
                result = apply(item, campaign);
            } catch (RuntimeException e) {
                log.warn("remediation of {} failed: {}", item.getAgentName(), e.toString());
                result = new Remediation.Result(false, List.of(), "failed: " + e.getMessage());
            }
            Remediation.Result r = result;
            transaction.executeWithoutResult(tx -> {
                db.update(CAMPAIGN_ITEM)
                        .set(CAMPAIGN_ITEM.REMEDIATION, r.verified() ? "verified" : "failed")
                        .set(CAMPAIGN_ITEM.REMEDIATION_DETAIL, r.detail())
                        .set(
                                CAMPAIGN_ITEM.REMEDIATION_STATEMENTS,
                                DSL.arrayConcat(
                                        CAMPAIGN_ITEM.REMEDIATION_STATEMENTS,
                                        DSL.val(r.statements().toArray(String[]::new))))
                        .set(CAMPAIGN_ITEM.REMEDIATED_AT, OffsetDateTime.now(clock))
                        .where(CAMPAIGN_ITEM.ID.eq(item.getId()))
                        .execute();
                trail.record(
                        AuditTrail.VIGIL,
                        "campaign.remediate",
                        "agent",
                        item.getAgentId(),
                        item.getAgentName(),
                        item.getDecision() + " in " + campaign + ": "
                                + (r.verified() ? "applied and verified" : "FAILED") + ": " + r.detail());
            });
        }
    }

    /** Marks the item as being remediated by this instance, if it still needs it; null if not. */
    private CampaignItemRecord claim(UUID campaignId, UUID id, boolean retryFailed) {
        OffsetDateTime now = OffsetDateTime.now(clock);
        var claimable = CAMPAIGN_ITEM
                .REMEDIATION
                .eq("pending")
                .or(CAMPAIGN_ITEM
                        .REMEDIATION
                        .eq("running")
                        .and(CAMPAIGN_ITEM.REMEDIATED_AT.lt(now.minus(STALE_CLAIM))));
        if (retryFailed) {
            claimable = claimable.or(CAMPAIGN_ITEM.REMEDIATION.eq("failed"));
        }
        var condition = claimable;
        return transaction.execute(tx -> {
            // Shares the campaign's lock with other claims; a sign-off takes it exclusively.
            String state = db.select(CAMPAIGN.STATE)
                    .from(CAMPAIGN)
                    .where(CAMPAIGN.ID.eq(campaignId))
                    .forShare()
                    .fetchOne(CAMPAIGN.STATE);
            if (!"sign-off".equals(state)) {
                return null;
            }
            return db.update(CAMPAIGN_ITEM)
                    .set(CAMPAIGN_ITEM.REMEDIATION, "running")
                    .set(CAMPAIGN_ITEM.REMEDIATED_AT, now)
                    .where(CAMPAIGN_ITEM.ID.eq(id))
                    .and(condition)
                    .returning()
                    .fetchOne();
        });
    }

    /**
     * What the schedule missed (a close that failed, an instance that died while remediating): every
     * minute, stages past their close are closed and pending remediation is run.
     */
    @Scheduled(initialDelayString = "PT1M", fixedDelayString = "${vigil.campaigns.sweep-interval:PT1M}")
    void sweep() {
        OffsetDateTime now = OffsetDateTime.now(clock);
        for (var late : db.select(CAMPAIGN.ID, CAMPAIGN.STAGE)
                .from(CAMPAIGN)
                .where(CAMPAIGN.STATE.eq("review"))
                .and(CAMPAIGN.CLOSES_AT.lt(now.minusMinutes(1)))
                .fetch()) {
            closeStage(late.value1(), late.value2());
        }
        for (UUID waiting : db.selectDistinct(CAMPAIGN_ITEM.CAMPAIGN_ID)
                .from(CAMPAIGN_ITEM)
                .join(CAMPAIGN)
                .on(CAMPAIGN.ID.eq(CAMPAIGN_ITEM.CAMPAIGN_ID))
                .where(CAMPAIGN.STATE.eq("sign-off"))
                .and(CAMPAIGN_ITEM
                        .REMEDIATION
                        .eq("pending")
                        .or(CAMPAIGN_ITEM
                                .REMEDIATION
                                .eq("running")
                                .and(CAMPAIGN_ITEM.REMEDIATED_AT.lt(now.minus(STALE_CLAIM)))))
                .fetch(CAMPAIGN_ITEM.CAMPAIGN_ID)) {
            remediatePending(waiting, false);
        }
    }

    private Remediation.Result apply(CampaignItemRecord item, String campaign) {
        // The role as frozen at launch, and still this agent's own now: never touch a shared one.
        var now = db.select(
                        AGENT.TARGET_ID, DSL.field(OwnRole.of().and(AGENT.UPSTREAM_USER.eq(item.getUpstreamRole()))))
                .from(AGENT)
                .join(TARGET)
                .on(TARGET.ID.eq(AGENT.TARGET_ID))
                .where(AGENT.ID.eq(item.getAgentId()))
                .fetchOne();
        Remediation.Subject s = new Remediation.Subject(
                item.getAgentId(),
                now.value1(),
                item.getAgentName(),
                item.getUpstreamRole(),
                item.getOwnRole() && Boolean.TRUE.equals(now.value2()));
        return switch (item.getDecision()) {
            case "revoke" -> remediation.revoke(s, campaign, item.getDecidedBy());
            case "reduce" -> remediation.reduce(s, List.of(item.getReduceStatements()));
            default -> throw new IllegalStateException("nothing to remediate for " + item.getDecision());
        };
    }

    /**
     * Undecided items of the stage take the default. In a second stage, silence keeps what the first
     * stage decided (the second stage confirms or overturns it; it never decides from nothing).
     * Runs under the campaign's lock, which every decision takes too, so no decision is overwritten.
     */
    private void applyDefaults(CampaignRecord c, Settings.Launched s, int stage, OffsetDateTime now) {
        if (stage == 1 && s.defaultDecision().equals("none")) {
            return;
        }
        for (CampaignItemRecord item : db.selectFrom(CAMPAIGN_ITEM)
                .where(CAMPAIGN_ITEM.CAMPAIGN_ID.eq(c.getId()))
                .and(CAMPAIGN_ITEM.STAGE.eq(stage))
                .and(CAMPAIGN_ITEM.DECISION.isNull())
                .fetch()) {
            String decision;
            String why;
            if (stage == 2) {
                decision = item.getFirstDecision();
                why = "no second-stage decision: the first stage's (" + item.getFirstDecidedBy() + ") stands";
            } else if (s.defaultDecision().equals("revoke")) {
                decision = "revoke";
                why = "default decision: nobody decided by the close";
            } else {
                decision = item.getRecommendation();
                why = "default decision (the recommendation): " + item.getRecommendationReason();
            }
            item.setDecision(decision);
            item.setJustification(why);
            item.setDecidedBy(AuditTrail.VIGIL);
            item.setDecidedAt(now);
            item.setBulk(false);
            item.setDefaulted(true);
            item.update();
            db.insertInto(CAMPAIGN_DECISION)
                    .set(CAMPAIGN_DECISION.ITEM_ID, item.getId())
                    .set(CAMPAIGN_DECISION.STAGE, stage)
                    .set(CAMPAIGN_DECISION.DECISION, decision)
                    .set(CAMPAIGN_DECISION.JUSTIFICATION, why)
                    .set(CAMPAIGN_DECISION.DECIDED_BY, AuditTrail.VIGIL)
                    .set(CAMPAIGN_DECISION.DECIDED_AT, now)
                    .set(CAMPAIGN_DECISION.BULK, false)
                    .execute();
            trail.record(
                    AuditTrail.VIGIL,
                    "campaign.default-decision",
                    "agent",
                    item.getAgentId(),
                    item.getAgentName(),
                    decision + " in " + c.getName() + " (stage " + stage + "): " + why);
        }
    }

    /** @return whether a second stage started (false: no item goes to it) */
    private boolean startSecondStage(CampaignRecord c, Settings.Launched s, OffsetDateTime now) {
        int moved = db.update(CAMPAIGN_ITEM)
                .set(CAMPAIGN_ITEM.FIRST_DECISION, CAMPAIGN_ITEM.DECISION)
                .set(CAMPAIGN_ITEM.FIRST_DECIDED_BY, CAMPAIGN_ITEM.DECIDED_BY)
                .setNull(CAMPAIGN_ITEM.DECISION)
                .setNull(CAMPAIGN_ITEM.JUSTIFICATION)
                .setNull(CAMPAIGN_ITEM.DECIDED_BY)
                .setNull(CAMPAIGN_ITEM.DECIDED_AT)
                .set(CAMPAIGN_ITEM.BULK, false)
                .set(CAMPAIGN_ITEM.DEFAULTED, false)
                .set(CAMPAIGN_ITEM.STAGE, 2)
                .set(CAMPAIGN_ITEM.REVIEWER, s.secondReviewer())
                .set(CAMPAIGN_ITEM.REVIEWER_REASON, "second stage")
                .where(CAMPAIGN_ITEM.CAMPAIGN_ID.eq(c.getId()))
                .and(CAMPAIGN_ITEM.DECISION.in(s.secondStageFor()))
                .execute();
        if (moved == 0) {
            return false;
        }
        OffsetDateTime due = now.plus(s.secondReview());
        c.setStage(2);
        c.setDueAt(due);
        c.setClosesAt(due.plus(s.escalation()));
        c.update();
        scheduler.scheduleStage(
                c.getId(),
                2,
                now.toInstant(),
                due.toInstant(),
                due.plus(s.escalation()).toInstant(),
                s.reminders().stream().map(r -> due.minus(r).toInstant()).toList());
        trail.record(
                AuditTrail.VIGIL,
                "campaign.stage-close",
                "campaign",
                c.getId(),
                c.getName(),
                "stage 1 closed; " + moved + " item(s) go to the second stage, reviewed by " + s.secondReviewer()
                        + " by " + due);
        notices.send(
                c.getId(),
                c.getName(),
                "launch",
                s.secondReviewer(),
                moved,
                "Second-stage review: " + moved + " agent(s) by " + due.toLocalDate(),
                moved + " item(s) of " + c.getName() + " need your second-stage decision by " + Feedback.utc(due)
                        + ".");
        return true;
    }

    /** Final decisions that change access wait for remediation; a flag opens an investigation now. */
    private void markForRemediation(UUID campaignId, OffsetDateTime now) {
        db.update(CAMPAIGN_ITEM)
                .set(CAMPAIGN_ITEM.REMEDIATION, "pending")
                .where(CAMPAIGN_ITEM.CAMPAIGN_ID.eq(campaignId))
                .and(CAMPAIGN_ITEM.DECISION.in("revoke", "reduce"))
                .execute();
        db.update(CAMPAIGN_ITEM)
                .set(CAMPAIGN_ITEM.REMEDIATION, "none")
                .where(CAMPAIGN_ITEM.CAMPAIGN_ID.eq(campaignId))
                .and(CAMPAIGN_ITEM.DECISION.isNull().or(CAMPAIGN_ITEM.DECISION.in("attest", "flag")))
                .execute();
        for (CampaignItemRecord item : db.selectFrom(CAMPAIGN_ITEM)
                .where(CAMPAIGN_ITEM.CAMPAIGN_ID.eq(campaignId))
                .and(CAMPAIGN_ITEM.DECISION.eq("flag"))
                .fetch()) {
            db.insertInto(AGENT_FLAG)
                    .set(AGENT_FLAG.ID, UUID.randomUUID())
                    .set(AGENT_FLAG.AGENT_ID, item.getAgentId())
                    .set(AGENT_FLAG.ITEM_ID, item.getId())
                    .set(AGENT_FLAG.RAISED_BY, item.getDecidedBy())
                    .set(AGENT_FLAG.RAISED_AT, now)
                    .set(AGENT_FLAG.REASON, item.getJustification())
                    .execute();
            db.update(CAMPAIGN_ITEM)
                    .set(CAMPAIGN_ITEM.REMEDIATION_DETAIL, "marked for investigation; an administrator resolves it")
                    .where(CAMPAIGN_ITEM.ID.eq(item.getId()))
                    .execute();
        }
    }

    private CampaignRecord lockedInReview(UUID campaignId, int stage) {
        CampaignRecord c = db.selectFrom(CAMPAIGN)
                .where(CAMPAIGN.ID.eq(campaignId))
                .forUpdate()
                .fetchOne();
        return c != null && c.getState().equals("review") && c.getStage() == stage ? c : null;
    }

    private Map<String, Integer> undecidedByReviewer(UUID campaignId, int stage) {
        return db.select(CAMPAIGN_ITEM.REVIEWER, count())
                .from(CAMPAIGN_ITEM)
                .where(CAMPAIGN_ITEM.CAMPAIGN_ID.eq(campaignId))
                .and(CAMPAIGN_ITEM.STAGE.eq(stage))
                .and(CAMPAIGN_ITEM.DECISION.isNull())
                .groupBy(CAMPAIGN_ITEM.REVIEWER)
                .fetchMap(r -> r.value1(), r -> r.value2());
    }
}
