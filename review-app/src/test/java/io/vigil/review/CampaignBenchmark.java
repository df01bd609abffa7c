package io.vigil.review;

import static io.vigil.db.jooq.Tables.CAMPAIGN;

import io.vigil.review.campaigns.CampaignDefinition;
import io.vigil.review.campaigns.DefinitionService;
import io.vigil.review.security.Role;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Not a test: issue 6's launch benchmark, run by {@code review-app/bench/campaign-bench.sh}. Fills
 * the demo store with {@code -Dbench.agents} agents (10,000) and {@code -Dbench.statements} recorded
 * statements (50 million) over 90 days, rolls the trail up as the app does, then launches a
 * campaign over every agent through Quartz, as an administrator's "Launch now" does, and times it
 * until the campaign with all its items is committed.
 */
class CampaignBenchmark extends DemoStack {

    static final int AGENTS = Integer.getInteger("bench.agents", 10_000);
    static final long STATEMENTS = Long.getLong("bench.statements", 50_000_000L);

    @Autowired
    DefinitionService definitions;

    @Test
    void launchAtScale() throws InterruptedException {
        UUID spool = UUID.randomUUID();
        long t0 = System.nanoTime();
        BenchStore bench = new BenchStore(store, AGENTS);
        bench.fill(spool, STATEMENTS / BenchStore.PER_SESSION);
        BenchStore.report("generate %,d agents, %,d statements".formatted(AGENTS, STATEMENTS), t0);
        long t1 = System.nanoTime();
        long counted = bench.rollUpAll();
        BenchStore.report("full rollup of %,d trail records".formatted(counted), t1);

        signIn("admin", Role.ADMIN);
        for (int round = 0; round < 3; round++) {
            CampaignDefinition d = definitions.create(new CampaignDefinition(
                    null,
                    "Benchmark " + round + " " + spool,
                    "",
                    List.of(),
                    List.of(),
                    List.of(),
                    CampaignDefinition.QUARTERLY,
                    "UTC",
                    Duration.ofDays(14),
                    Duration.ofDays(90),
                    Duration.ofDays(30),
                    List.of("public.rel_1*"),
                    "admin",
                    List.of(Duration.ofDays(7), Duration.ofDays(2)),
                    Duration.ofDays(3),
                    null,
                    null,
                    List.of(),
                    "none",
                    "admin",
                    false));
            long l = System.nanoTime();
            definitions.launchNow(d.id());
            UUID campaign = null;
            while (campaign == null) {
                Thread.sleep(20);
                campaign = store.select(CAMPAIGN.ID)
                        .from(CAMPAIGN)
                        .where(CAMPAIGN.DEFINITION_ID.eq(d.id()))
                        .fetchOne(CAMPAIGN.ID);
            }
            int items = store.select(CAMPAIGN.ITEMS)
                    .from(CAMPAIGN)
                    .where(CAMPAIGN.ID.eq(campaign))
                    .fetchOne(CAMPAIGN.ITEMS);
            BenchStore.report("launch over %,d agents (Launch now to committed, via Quartz)".formatted(items), l);
        }
        signOut();
    }
}
