package io.vigil.review.campaigns;

/**
 * How often a definition launches, as people say it; the Quartz cron expression behind each is the
 * advanced form ({@link #CUSTOM} for any other). Launches are at 06:00 in the definition's time
 * zone, before the working day.
 */
enum Cadence {
    QUARTERLY("Quarterly (1 Jan, 1 Apr, 1 Jul, 1 Oct)", CampaignDefinition.QUARTERLY),
    MONTHLY("Monthly (the 1st)", "0 0 6 1 * ? *"),
    WEEKLY("Weekly (Mondays)", "0 0 6 ? * MON *"),
    CUSTOM("Another schedule (Quartz cron expression)", null);

    private final String label;
    private final String cron;

    Cadence(String label, String cron) {
        this.label = label;
        this.cron = cron;
    }

    String label() {
        return label;
    }

    /** The expression, null for {@link #CUSTOM} (the person types it). */
    String cron() {
        return cron;
    }

    /** The cadence an expression is, {@link #CUSTOM} if it is none of the named ones. */
    static Cadence of(String cron) {
        String normalized = cron == null ? "" : cron.strip().replaceAll("\\s+", " ");
        for (Cadence c : values()) {
            if (c.cron != null && c.cron.equals(normalized)) {
                return c;
            }
        }
        return CUSTOM;
    }
}
