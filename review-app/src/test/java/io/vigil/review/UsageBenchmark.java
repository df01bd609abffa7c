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
    static final int PER_SESSION = 100;

    @Autowired
    UsageService usage;

    @Autowired
    GrantService grants;

    @Test
    void rollupsDashboardAndAgentPageAtScale() {
        UUID spool = UUID.randomUUID();
        long sessionCount = STATEMENTS / PER_SESSION;
        long t0 = System.nanoTime();
        fill(spool, sessionCount);
        report("generate %,d agents, %,d sessions, %,d statements".formatted(AGENTS, sessionCount, STATEMENTS), t0);

        long t1 = System.nanoTime();
        store.execute("select vigil.reset_usage()");
        long counted = 0;
        for (long read = 1; read > 0; counted += read) {
            read = value(Long.class, "select vigil.roll_up_usage()");
        }
        report("full rollup of %,d trail records, in batches of 500,000".formatted(counted), t1);

        moreStatements(spool, sessionCount);
        long t2 = System.nanoTime();
        long more = value(Long.class, "select vigil.roll_up_usage()");
        report("incremental rollup of %,d new trail records (1 %% more)".formatted(more), t2);

        signIn("admin", Role.ADMIN);
        UUID agent = value(UUID.class, "select id from vigil.agent where name = 'bench-agent-7'");
        for (int round = 0; round < 3; round++) {
            long d = System.nanoTime();
            Dashboard dashboard = usage.dashboard();
            report(
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
            report("agent page services", a);
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
                report("baseline: the targets page (one row) in the browser", b);
                long d = System.nanoTime();
                page.locator("vaadin-side-nav-item[path='dashboard']").click();
                page.locator("#by-owner").waitFor();
                page.locator("#stale").waitFor();
                report("dashboard in the browser (from the side navigation)", d);
                long a = System.nanoTime();
                page.locator("#unused-writes a")
                        .filter(new com.microsoft.playwright.Locator.FilterOptions()
                                .setHasText("bench-agent-")
                                .setVisible(true))
                        .first()
                        .click();
                page.locator("#matrix").waitFor();
                page.locator("#activity-chart").waitFor();
                report("agent page in the browser (from a dashboard link)", a);
            }
            long f = System.nanoTime();
            page.navigate(BASE_URL + "/agent/" + agent);
            page.locator("#matrix").waitFor();
            report("agent page in the browser (full page load)", f);
            assertThat(page.locator("#agent-title").textContent()).isEqualTo("bench-agent-7");
        }
    }

    private void fill(UUID spool, long sessions) {
        UUID target = value(UUID.class, "select id from vigil.target where name = 'shop'");
        store.execute("""
                insert into vigil.agent (id, name, owner, purpose, target_id, status, created_at)
                select gen_random_uuid(), 'bench-agent-' || i, 'bench-owner-' || (i % 50), 'benchmark agent', ?::uuid,
                       'active', now() - interval '120 days'
                from generate_series(1, ?) i""", target, AGENTS);
        // Each agent holds a few write privileges, some of which it never uses.
        store.execute("""
                insert into vigil.agent_grant (agent_id, kind, object, privilege, via)
                select a.id, 'table', 'public.rel_' || r, p, 'direct'
                from vigil.agent a cross join generate_series(0, 4) r
                     cross join unnest(array['SELECT', 'INSERT', 'UPDATE', 'DELETE']) p
                where a.name like 'bench-agent-%'""");
        store.execute("""
                create temporary table bench_agent as
                select row_number() over (order by name) - 1 as n, id from vigil.agent where name like 'bench-agent-%'""");
        store.execute("""
                insert into vigil.session (id, agent_id, target_id, client_addr, started_at, spool_id, leaf, on_behalf_of, task)
                select gen_random_uuid(), a.id, ?::uuid, '10.0.0.1', now() - (s % 90) * interval '1 day' - (s % 1000) * interval '1 second',
                       ?::uuid, s * ?, case when s % 3 = 0 then 'person-' || (s % 17) end, 'TASK-' || (s % 31)
                from generate_series(0, ? - 1) s join bench_agent a on a.n = s % ?""", target, spool, PER_SESSION + 1, sessions, AGENTS);
        insertStatements(spool, "true");
        store.execute(
                "insert into vigil.trail_cursor (spool_id, shipped, updated_at, leaves) "
                        + "select ?::uuid, max(leaf) + 101, now(), max(leaf) + 101 from vigil.session where spool_id = ?::uuid",
                spool,
                spool);
        store.execute("analyze vigil.statement");
        store.execute("analyze vigil.session");
    }

    /** 100 statements per session: reads, writes and some DDL over 20 relations, 1 in 50 denied. */
    private void insertStatements(UUID spool, String sessionCondition) {
        store.execute("""
                insert into vigil.statement (session_id, seq, started_at, duration_us, sql_text, protocol, kind, command,
                                             reads, writes, outcome, command_tag, row_count, sqlstate, start_leaf, end_leaf)
                select s.id, q, s.started_at + q * interval '10 ms', 120, 'select * from rel_' || (q % 20),
                       'extended',
                       case when q % 10 < 7 then 'read' when q % 100 = 99 then 'ddl' else 'write' end,
                       case when q % 10 < 7 then 'SelectStmt' when q % 100 = 99 then 'AlterTableStmt' else 'UpdateStmt' end,
                       case when q % 10 < 7 then array['rel_' || (q % 20)] else '{}' end,
                       case when q % 10 < 7 then '{}' else array['rel_' || (q % 20)] end,
                       case when q % 50 = 0 then 'failed' else 'completed' end,
                       case when q % 50 = 0 then null else 'SELECT 1' end,
                       1,
                       case when q % 50 = 0 then '42501' end,
                       s.leaf + q, s.leaf + q
                from vigil.session s cross join generate_series(1, 100) q
                where s.spool_id = ?::uuid and {condition}""".replace("{condition}", sessionCondition), spool);
    }

    /** 1 % more sessions' worth, then the cursor moves: what the next 30-second rollup finds. */
    private void moreStatements(UUID spool, long sessions) {
        long extra = Math.max(1, sessions / 100);
        long base = value(Long.class, "select leaves from vigil.trail_cursor where spool_id = ?::uuid", spool);
        store.execute("""
                insert into vigil.session (id, agent_id, target_id, client_addr, started_at, spool_id, leaf)
                select gen_random_uuid(), a.id, (select id from vigil.target where name = 'shop'), '10.0.0.2', now(),
                       ?::uuid, ? + s * 101
                from generate_series(0, ? - 1) s join bench_agent a on a.n = s % ?""", spool, base, extra, AGENTS);
        insertStatements(spool, "s.leaf >= " + base);
        store.execute(
                "update vigil.trail_cursor set leaves = ? + ? * 101 where spool_id = ?::uuid", base, extra, spool);
    }

    private <T> T value(Class<T> type, String sql, Object... binds) {
        return store.resultQuery(sql, binds).fetchOne(0, type);
    }

    private static void report(String what, long startNanos) {
        System.out.printf("BENCH %-70s %10.1f ms%n", what, (System.nanoTime() - startNanos) / 1e6);
    }
}
