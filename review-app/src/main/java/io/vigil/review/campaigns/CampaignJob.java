package io.vigil.review.campaigns;

import java.util.UUID;
import org.quartz.DisallowConcurrentExecution;
import org.quartz.JobDataMap;
import org.quartz.JobExecutionContext;
import org.quartz.JobExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.quartz.QuartzJobBean;

/**
 * What a campaign trigger fires. One at a time across the cluster: a close never races the
 * escalation or a launch of the same campaign, and each is idempotent, so a trigger recovered
 * after a crash does its work once.
 */
@DisallowConcurrentExecution
class CampaignJob extends QuartzJobBean {

    private static final Logger log = LoggerFactory.getLogger(CampaignJob.class);

    private final CampaignLifecycle lifecycle;

    CampaignJob(CampaignLifecycle lifecycle) {
        this.lifecycle = lifecycle;
    }

    @Override
    protected void executeInternal(JobExecutionContext context) throws JobExecutionException {
        JobDataMap data = context.getMergedJobDataMap();
        String action = data.getString("action");
        try {
            switch (action) {
                case "launch" -> lifecycle.launch(UUID.fromString(data.getString("definition")), false);
                case "launch-now" -> lifecycle.launch(UUID.fromString(data.getString("definition")), true);
                case "remind" -> lifecycle.remind(campaign(data), data.getInt("stage"));
                case "escalate" -> lifecycle.escalate(campaign(data), data.getInt("stage"));
                case "close" -> lifecycle.closeStage(campaign(data), data.getInt("stage"));
                default -> log.error("unknown campaign action {}", action);
            }
        } catch (RuntimeException e) {
            log.error("campaign {} failed: {}", action, e.toString(), e);
            throw new JobExecutionException(e, false);
        }
    }

    private static UUID campaign(JobDataMap data) {
        return UUID.fromString(data.getString("campaign"));
    }
}
