package io.vigil.review.campaigns;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.TimeZone;
import java.util.UUID;
import org.quartz.CronScheduleBuilder;
import org.quartz.JobBuilder;
import org.quartz.JobDetail;
import org.quartz.JobKey;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.TriggerKey;
import org.quartz.impl.matchers.GroupMatcher;
import org.springframework.stereotype.Component;

/**
 * Campaign times as Quartz triggers in the clustered JDBC job store (so in Vigil's store, in the
 * caller's transaction): a cron trigger per enabled definition for its launches, and per campaign
 * stage one trigger per reminder, one for the escalation at the due date and one for the close.
 * Every trigger fires the one {@link CampaignJob}, with what to do in its data.
 */
@Component
class CampaignScheduler {

    static final JobKey JOB = JobKey.jobKey("campaign", "vigil");
    private static final String LAUNCHES = "campaign-launch";

    private final Scheduler quartz;

    CampaignScheduler(Scheduler quartz) {
        this.quartz = quartz;
    }

    /** Replaces the definition's launch trigger with one for its schedule (none if it is disabled). */
    void scheduleLaunches(CampaignDefinition d) {
        try {
            ensureJob();
            TriggerKey key = TriggerKey.triggerKey(d.id().toString(), LAUNCHES);
            quartz.unscheduleJob(key);
            if (!d.enabled()) {
                return;
            }
            quartz.scheduleJob(TriggerBuilder.newTrigger()
                    .withIdentity(key)
                    .forJob(JOB)
                    .usingJobData("action", "launch")
                    .usingJobData("definition", d.id().toString())
                    .withSchedule(CronScheduleBuilder.cronSchedule(d.schedule())
                            .inTimeZone(TimeZone.getTimeZone(d.timeZone()))
                            // a launch missed while every instance was down happens once, late
                            .withMisfireHandlingInstructionFireAndProceed())
                    .build());
        } catch (SchedulerException e) {
            throw new IllegalStateException("cannot schedule the campaign's launches: " + e.getMessage(), e);
        }
    }

    void launchNow(UUID definitionId) {
        fireAt(
                TriggerKey.triggerKey(UUID.randomUUID().toString(), LAUNCHES + "-now"),
                Instant.now(),
                "launch-now",
                "definition",
                definitionId.toString(),
                0);
    }

    Optional<OffsetDateTime> nextLaunch(UUID definitionId) {
        try {
            Trigger t = quartz.getTrigger(TriggerKey.triggerKey(definitionId.toString(), LAUNCHES));
            return t == null || t.getNextFireTime() == null
                    ? Optional.empty()
                    : Optional.of(OffsetDateTime.ofInstant(t.getNextFireTime().toInstant(), ZoneOffset.UTC));
        } catch (SchedulerException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The stage's reminders (those still ahead), its escalation at {@code due} and its close at
     * {@code closes}.
     */
    void scheduleStage(UUID campaign, int stage, Instant now, Instant due, Instant closes, List<Instant> reminders) {
        String group = "campaign-" + campaign;
        int n = 0;
        for (Instant reminder : reminders) {
            if (reminder.isAfter(now) && reminder.isBefore(due)) {
                fireAt(
                        TriggerKey.triggerKey("remind-" + stage + "-" + n++, group),
                        reminder,
                        "remind",
                        campaign,
                        stage);
            }
        }
        fireAt(TriggerKey.triggerKey("escalate-" + stage, group), due, "escalate", campaign, stage);
        fireAt(TriggerKey.triggerKey("close-" + stage, group), closes, "close", campaign, stage);
    }

    /** Drops what is left of a campaign's triggers (it closed). */
    void forget(UUID campaign) {
        try {
            quartz.unscheduleJobs(
                    List.copyOf(quartz.getTriggerKeys(GroupMatcher.triggerGroupEquals("campaign-" + campaign))));
        } catch (SchedulerException e) {
            throw new IllegalStateException(e);
        }
    }

    private void fireAt(TriggerKey key, Instant at, String action, UUID campaign, int stage) {
        fireAt(key, at, action, "campaign", campaign.toString(), stage);
    }

    private void fireAt(TriggerKey key, Instant at, String action, String subjectKey, String subject, int stage) {
        try {
            ensureJob();
            quartz.scheduleJob(TriggerBuilder.newTrigger()
                    .withIdentity(key)
                    .forJob(JOB)
                    .usingJobData("action", action)
                    .usingJobData(subjectKey, subject)
                    .usingJobData("stage", stage)
                    .startAt(Date.from(at))
                    .withSchedule(SimpleScheduleBuilder.simpleSchedule().withMisfireHandlingInstructionFireNow())
                    .build());
        } catch (SchedulerException e) {
            throw new IllegalStateException("cannot schedule " + action + ": " + e.getMessage(), e);
        }
    }

    private void ensureJob() throws SchedulerException {
        if (!quartz.checkExists(JOB)) {
            JobDetail job = JobBuilder.newJob(CampaignJob.class)
                    .withIdentity(JOB)
                    .storeDurably()
                    .requestRecovery()
                    .build();
            quartz.addJob(job, false);
        }
    }
}
