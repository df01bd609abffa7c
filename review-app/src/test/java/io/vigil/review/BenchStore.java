package io.vigil.review;

import java.util.UUID;
import org.jooq.DSLContext;

/**
 * Generated scale for the benchmarks: agents with a few write privileges each, sessions and their
 * recorded statements spread over 90 days (reads, writes, some DDL, 1 in 50 denied), written
 * straight into the store as the shipper would leave them, with the spool's cursor moved on.
 */
final class BenchStore {

    static final int PER_SESSION = 100;

    private final DSLContext store;
    private final int agents;

    BenchStore(DSLContext store, int agents) {
        this.store = store;
        this.agents = agents;
    }

    /** Counts the whole trail into the usage rollups, as the app's schedule does, in its batches. */
    long rollUpAll() {
        store.execute("select vigil.reset_usage()");
        long counted = 0;
        for (long read = 1; read > 0; counted += read) {
            read = value(Long.class, "select vigil.roll_up_usage()");
        }
        return counted;
    }

    void fill(UUID spool, long sessions) {
        UUID target = value(UUID.class, "select id from vigil.target where name = 'shop'");
        store.execute("""
                insert into vigil.agent (id, name, owner, purpose, target_id, status, created_at)
                select gen_random_uuid(), 'bench-agent-' || i, 'bench-owner-' || (i % 50), 'benchmark agent', ?::uuid,
                       'active', now() - interval '120 days'
                from generate_series(1, ?) i""", target, agents);
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
                from generate_series(0, ? - 1) s join bench_agent a on a.n = s % ?""", target, spool, PER_SESSION + 1, sessions, agents);
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
    void moreStatements(UUID spool, long sessions) {
        long extra = Math.max(1, sessions / 100);
        long base = value(Long.class, "select leaves from vigil.trail_cursor where spool_id = ?::uuid", spool);
        store.execute("""
                insert into vigil.session (id, agent_id, target_id, client_addr, started_at, spool_id, leaf)
                select gen_random_uuid(), a.id, (select id from vigil.target where name = 'shop'), '10.0.0.2', now(),
                       ?::uuid, ? + s * 101
                from generate_series(0, ? - 1) s join bench_agent a on a.n = s % ?""", spool, base, extra, agents);
        insertStatements(spool, "s.leaf >= " + base);
        store.execute(
                "update vigil.trail_cursor set leaves = ? + ? * 101 where spool_id = ?::uuid", base, extra, spool);
    }

    <T> T value(Class<T> type, String sql, Object... binds) {
        return store.resultQuery(sql, binds).fetchOne(0, type);
    }

    static void report(String what, long startNanos) {
        System.out.printf("BENCH %-70s %10.1f ms%n", what, (System.nanoTime() - startNanos) / 1e6);
    }
}
