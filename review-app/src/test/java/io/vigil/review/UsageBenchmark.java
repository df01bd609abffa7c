package io.vigil.review;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Page;
import io.vigil.review.security.Role;
import io.vigil.review.usage.Dashboard;
import io.vigil.review.usage.GrantService;
import io.vigil.review.usage.UsageService;
import java.time.LocalDate;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Not a test: the usage benchmark of issue 5, run by {@code review-app/bench/usage-bench.sh}. It
 * fills the demo store with {@code -Dbench.agents} agents (1,000) and {@code -Dbench.statements}
 * recorded statements (10 million) over 90 days, then measures a full rollup, an incremental one,
 * and the dashboard and an agent page: through their services, and in a real browser.
 */
class UsageBenchmark extends DemoStack {

    static final int AGENTS = Integer.getInteger("bench.agents", 1_000);
    static final long STATEMENTS = Long.getLong("bench.statements", 10_000_000L);

    @Autowired
    UsageService usage;

    @Autowired
    GrantService grants;

    @Test
    void rollupsDashboardAndAgentPageAtScale() {
        UUID spool = UUID.randomUUID();
        long sessionCount = STATEMENTS / BenchStore.PER_SESSION;
        long t0 = System.nanoTime();
        BenchStore bench = new BenchStore(store, AGENTS);
        bench.fill(spool, sessionCount);
        BenchStore.report(
                "generate %,d agents, %,d sessions, %,d statements".formatted(AGENTS, sessionCount, STATEMENTS), t0);

        long t1 = System.nanoTime();
        long counted = bench.rollUpAll();
        BenchStore.report("full rollup of %,d trail records, in batches of 500,000".formatted(counted), t1);

        bench.moreStatements(spool, sessionCount);
        long t2 = System.nanoTime();
        long more = bench.value(Long.class, "select vigil.roll_up_usage()");
        BenchStore.report("incremental rollup of %,d new trail records (1 %% more)".formatted(more), t2);

        signIn("admin", Role.ADMIN);
        UUID agent = bench.value(UUID.class, "select id from vigil.agent where name = 'bench-agent-7'");
        for (int round = 0; round < 3; round++) {
            long d = System.nanoTime();
            Dashboard dashboard = usage.dashboard();
            BenchStore.report(
                    "dashboard service (%d stale, %d with unused writes)"
                            .formatted(
                                    dashboard.stale().size(),
                                    dashboard.unusedWrites().size()),
                    d);
            long a = System.nanoTime();
            usage.activity(agent, LocalDate.now().minusDays(29));
            usage.relations(agent, LocalDate.EPOCH);
            usage.matrix(agent, grants.grants(agent));
            sessions.sessions(io.vigil.review.sessions.SessionFilter.ANY.withAgent("bench-agent-7"), 0, 10);
            usage.onBehalfOf(agent);
            usage.tasks(agent);
            BenchStore.report("agent page services", a);
        }
        signOut();

        try (Page page = signedIn("admin", Role.ADMIN)) {
            // Moves within the app, as a reviewer does (a full reload would also time Vaadin's start-up).
            page.navigate(BASE_URL + "/agents");
            page.locator("#agents").waitFor();
            for (int round = 0; round < 3; round++) {
                long b = System.nanoTime();
                page.locator("vaadin-side-nav-item[path='targets']").click();
                page.locator("#targets").waitFor();
                BenchStore.report("baseline: the targets page (one row) in the browser", b);
                long d = System.nanoTime();
                page.locator("vaadin-side-nav-item[path='dashboard']").click();
                page.locator("#by-owner").waitFor();
                page.locator("#stale").waitFor();
                BenchStore.report("dashboard in the browser (from the side navigation)", d);
                long a = System.nanoTime();
                page.locator("#unused-writes a")
                        .filter(new com.microsoft.playwright.Locator.FilterOptions()
                                .setHasText("bench-agent-")
                                .setVisible(true))
                        .first()
                        .click();
                page.locator("#matrix").waitFor();
                page.locator("#activity-chart").waitFor();
                BenchStore.report("agent page in the browser (from a dashboard link)", a);
            }
            long f = System.nanoTime();
            page.navigate(BASE_URL + "/agent/" + agent);
            page.locator("#matrix").waitFor();
            BenchStore.report("agent page in the browser (full page load)", f);
            assertThat(page.locator("#agent-title").textContent()).isEqualTo("bench-agent-7");
        }
    }
}
