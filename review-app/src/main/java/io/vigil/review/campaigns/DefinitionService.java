package io.vigil.review.campaigns;

import static io.vigil.db.jooq.Tables.CAMPAIGN;
import static io.vigil.db.jooq.Tables.CAMPAIGN_DEFINITION;

import io.vigil.db.jooq.tables.records.CampaignDefinitionRecord;
import io.vigil.review.gateway.AuditTrail;
import io.vigil.review.security.CurrentViewer;
import io.vigil.review.security.Role;
import io.vigil.review.security.Viewer;
import io.vigil.review.store.StoreMigration;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jooq.DSLContext;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Campaign definitions: administrators make and change them; everyone with a Vigil role may read
 * them. Saving one (re)schedules its launches in Quartz in the same transaction, so the schedule
 * and the definition never disagree.
 */
@Service
public class DefinitionService {

    private final DSLContext db;
    private final CurrentViewer viewer;
    private final AuditTrail trail;
    private final CampaignScheduler scheduler;
    private final Clock clock;

    DefinitionService(
            DSLContext db,
            CurrentViewer viewer,
            AuditTrail trail,
            CampaignScheduler scheduler,
            Clock clock,
            StoreMigration migrated) {
        this.db = db;
        this.viewer = viewer;
        this.trail = trail;
        this.scheduler = scheduler;
        this.clock = clock;
    }

    public List<CampaignDefinition> definitions() {
        requireAnyRole();
        return db.selectFrom(CAMPAIGN_DEFINITION)
                .orderBy(CAMPAIGN_DEFINITION.NAME)
                .fetch(DefinitionService::definition);
    }

    public Optional<CampaignDefinition> definition(UUID id) {
        requireAnyRole();
        return find(id);
    }

    /** When the definition's next campaign launches, if it is enabled. */
    public Optional<OffsetDateTime> nextLaunch(UUID id) {
        requireAnyRole();
        return scheduler.nextLaunch(id);
    }

    /** Saves a new definition (its id is ignored) and schedules its launches. */
    @Transactional
    public CampaignDefinition create(CampaignDefinition d) {
        String actor = requireAdmin();
        if (db.fetchExists(CAMPAIGN_DEFINITION, CAMPAIGN_DEFINITION.NAME.eq(d.name()))) {
            throw new IllegalArgumentException("a campaign definition named " + d.name() + " exists already");
        }
        UUID id = UUID.randomUUID();
        OffsetDateTime now = OffsetDateTime.now(clock);
        CampaignDefinitionRecord r = db.newRecord(CAMPAIGN_DEFINITION);
        fill(r, d);
        r.setId(id);
        r.setCreatedBy(actor);
        r.setCreatedAt(now);
        r.setUpdatedAt(now);
        r.insert();
        CampaignDefinition saved = definition(r);
        scheduler.scheduleLaunches(saved);
        trail.record(actor, "campaign-definition.create", "campaign-definition", id, d.name(), describe(saved));
        return saved;
    }

    /** Changes a definition: the next campaign follows it; campaigns already launched do not. */
    @Transactional
    public CampaignDefinition update(CampaignDefinition d) {
        String actor = requireAdmin();
        CampaignDefinitionRecord r = db.selectFrom(CAMPAIGN_DEFINITION)
                .where(CAMPAIGN_DEFINITION.ID.eq(d.id()))
                .forUpdate()
                .fetchOptional()
                .orElseThrow(() -> new IllegalArgumentException("no such campaign definition"));
        if (db.fetchExists(
                CAMPAIGN_DEFINITION, CAMPAIGN_DEFINITION.NAME.eq(d.name()).and(CAMPAIGN_DEFINITION.ID.ne(d.id())))) {
            throw new IllegalArgumentException("a campaign definition named " + d.name() + " exists already");
        }
        String before = describe(definition(r));
        fill(r, d);
        r.setUpdatedAt(OffsetDateTime.now(clock));
        r.update();
        CampaignDefinition saved = definition(r);
        scheduler.scheduleLaunches(saved);
        trail.record(
                actor,
                "campaign-definition.edit",
                "campaign-definition",
                d.id(),
                d.name(),
                before + " -> " + describe(saved));
        return saved;
    }

    /**
     * Launches a campaign of the definition now, besides its schedule (in the scheduler, a moment
     * later: see {@link CampaignService#launchedSince}).
     *
     * @return what will happen, for the administrator who asked
     */
    @Transactional
    public String launchNow(UUID id) {
        String actor = requireAdmin();
        CampaignDefinition d = find(id).orElseThrow(() -> new IllegalArgumentException("no such campaign definition"));
        scheduler.launchNow(id);
        trail.record(
                actor, "campaign-definition.launch-now", "campaign-definition", id, d.name(), "asked to launch now");
        String open = db.select(CAMPAIGN.NAME)
                .from(CAMPAIGN)
                .where(CAMPAIGN.DEFINITION_ID.eq(id))
                .and(CAMPAIGN.STATE.eq("review"))
                .limit(1)
                .fetchOne(CAMPAIGN.NAME);
        return open == null
                ? "Launching " + d.name() + "…"
                : "Not launched: " + open + " is still under review (close its stage first)";
    }

    /** For Vigil's own jobs: no viewer. */
    Optional<CampaignDefinition> find(UUID id) {
        return db.selectFrom(CAMPAIGN_DEFINITION)
                .where(CAMPAIGN_DEFINITION.ID.eq(id))
                .fetchOptional(DefinitionService::definition);
    }

    private static void fill(CampaignDefinitionRecord r, CampaignDefinition d) {
        r.setName(d.name());
        r.setDescription(d.description());
        r.setScopeTargets(d.scopeTargets().toArray(UUID[]::new));
        r.setScopeOwners(d.scopeOwners().toArray(String[]::new));
        r.setScopeTags(d.scopeTags().toArray(String[]::new));
        r.setSchedule(d.schedule());
        r.setTimeZone(d.timeZone());
        r.setReviewSeconds(d.review().toSeconds());
        r.setLookbackSeconds(d.lookback().toSeconds());
        r.setInactiveSeconds(d.inactive().toSeconds());
        r.setSensitiveRelations(d.sensitiveRelations().toArray(String[]::new));
        r.setFallbackReviewer(d.fallbackReviewer());
        r.setReminderSeconds(d.reminders().stream().map(Duration::toSeconds).toArray(Long[]::new));
        r.setEscalationSeconds(d.escalation().toSeconds());
        r.setSecondReviewer(d.secondReviewer());
        r.setSecondReviewSeconds(
                d.secondReview() == null ? null : d.secondReview().toSeconds());
        r.setSecondStageFor(d.secondStageFor().toArray(String[]::new));
        r.setDefaultDecision(d.defaultDecision());
        r.setOwner(d.owner());
        r.setEnabled(d.enabled());
    }

    static CampaignDefinition definition(CampaignDefinitionRecord r) {
        return new CampaignDefinition(
                r.getId(),
                r.getName(),
                r.getDescription(),
                List.of(r.getScopeTargets()),
                List.of(r.getScopeOwners()),
                List.of(r.getScopeTags()),
                r.getSchedule(),
                r.getTimeZone(),
                Duration.ofSeconds(r.getReviewSeconds()),
                Duration.ofSeconds(r.getLookbackSeconds()),
                Duration.ofSeconds(r.getInactiveSeconds()),
                List.of(r.getSensitiveRelations()),
                r.getFallbackReviewer(),
                Arrays.stream(r.getReminderSeconds()).map(Duration::ofSeconds).toList(),
                Duration.ofSeconds(r.getEscalationSeconds()),
                r.getSecondReviewer(),
                r.getSecondReviewSeconds() == null ? null : Duration.ofSeconds(r.getSecondReviewSeconds()),
                List.of(r.getSecondStageFor()),
                r.getDefaultDecision(),
                r.getOwner(),
                r.getEnabled());
    }

    /** The settings a reader of the trail needs, on one line. */
    static String describe(CampaignDefinition d) {
        return "schedule " + d.schedule() + " (" + d.timeZone() + "); review " + Durations.words(d.review())
                + "; scope targets " + d.scopeTargets() + " owners " + d.scopeOwners() + " tags " + d.scopeTags()
                + "; fallback " + d.fallbackReviewer() + "; second stage "
                + (d.twoStages() ? d.secondReviewer() + " for " + d.secondStageFor() : "none") + "; default "
                + d.defaultDecision() + "; owner " + d.owner() + (d.enabled() ? "" : "; disabled");
    }

    private String requireAdmin() {
        Viewer v = viewer.get();
        if (!v.has(Role.ADMIN)) {
            throw new AccessDeniedException("only an administrator manages campaign definitions");
        }
        return v.name();
    }

    private void requireAnyRole() {
        if (!viewer.get().hasAnyRole()) {
            throw new AccessDeniedException("you have no role in Vigil");
        }
    }
}
