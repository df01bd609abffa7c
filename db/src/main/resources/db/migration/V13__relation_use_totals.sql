-- Each agent's use of each relation with each operation, over all time: how many statements, since
-- when and until when. A campaign's launch reads this (10,000 agents: some hundred thousand rows)
-- instead of summing a review period's day rollups (tens of millions of rows at that scale), and the
-- first use of a sensitive relation within the period is a first_at inside it.
alter table usage_relation_last
    add column statements bigint not null default 0,
    add column first_at   timestamptz;

-- What was rolled up before: counted from the day rollups, first use to the day (the exact time of
-- statements counted before this migration is not kept in the rollups).
update usage_relation_last l
set statements = d.statements,
    first_at   = d.first_day
from (select agent_id, target_id, relation, operation, sum(statements) as statements,
             (min(day)::timestamp at time zone 'UTC') as first_day
      from usage_relation_day
      group by agent_id, target_id, relation, operation) d
where d.agent_id = l.agent_id and d.target_id = l.target_id and d.relation = l.relation
  and d.operation = l.operation;

update usage_relation_last set first_at = last_at where first_at is null;

-- The rollup as in V10, with the counts and first use above kept up to date.
create or replace function roll_up_usage_range(spool uuid, from_leaf bigint, to_leaf bigint) returns void
    language plpgsql
    set search_path from current as
$$
begin
    execute $rollup$
with
-- One row per newly shipped fact: a statement's start (counts 1, and its outcome when it came in
-- the same batch), or an outcome shipped after its start (counts its rows and errors only).
fact as materialized (
    select se.agent_id, se.target_id,
           (st.started_at at time zone 'UTC')::date as day,
           coalesce(st.kind, 'unknown')             as kind,
           st.command, st.reads, st.writes, st.started_at,
           1::bigint                                 as statements,
           coalesce(st.row_count, 0)                 as rows,
           coalesce(st.outcome = 'failed', false)::int as errors,
           coalesce(st.outcome = 'refused' or st.sqlstate = '42501', false)::int as denials
    from statement st
             join session se on se.id = st.session_id
    where st.start_leaf >= $2 and st.start_leaf < $3 and se.spool_id = $1
    union all
    select se.agent_id, se.target_id,
           (st.started_at at time zone 'UTC')::date,
           coalesce(st.kind, 'unknown'),
           st.command, st.reads, st.writes, st.started_at,
           0,
           coalesce(o.row_count, 0),
           coalesce(o.outcome = 'failed', false)::int,
           coalesce(o.outcome = 'refused' or o.sqlstate = '42501', false)::int
    from statement_outcome o
             join statement st on st.session_id = o.session_id and st.seq = o.seq and st.started_at = o.started_at
             join session se on se.id = o.session_id
    where o.leaf >= $2 and o.leaf < $3 and se.spool_id = $1),
-- One row per relation a fact touched, with the operation it performed on it.
touch as materialized (
    select f.agent_id, f.target_id, r.relation, 'select' as operation, f.day, f.statements, f.rows, f.errors,
           f.denials, f.started_at
    from fact f
             cross join unnest(f.reads) as r(relation)
    union all
    select f.agent_id, f.target_id, w.relation, usage_write_operation(f.kind, f.command), f.day, f.statements,
           f.rows, f.errors, f.denials, f.started_at
    from fact f
             cross join unnest(f.writes) as w(relation)),
by_day as (
    insert into usage_day as u (agent_id, target_id, day, kind, statements, rows, errors, denials, last_at)
    select agent_id, target_id, day, kind, sum(statements), sum(rows), sum(errors), sum(denials), max(started_at)
    from fact
    group by agent_id, target_id, day, kind
    on conflict (agent_id, target_id, day, kind) do update
        set statements = u.statements + excluded.statements,
            rows       = u.rows + excluded.rows,
            errors     = u.errors + excluded.errors,
            denials    = u.denials + excluded.denials,
            last_at    = greatest(u.last_at, excluded.last_at)),
agent_last as (
    insert into usage_agent_last as u (agent_id, target_id, last_at)
    select agent_id, target_id, max(started_at)
    from fact
    group by agent_id, target_id
    on conflict (agent_id, target_id) do update
        set last_at = greatest(u.last_at, excluded.last_at)),
relation_day as (
    insert into usage_relation_day as u
        (agent_id, target_id, relation, operation, day, statements, rows, errors, denials, last_at)
    select agent_id, target_id, relation, operation, day,
           sum(statements), sum(rows), sum(errors), sum(denials), max(started_at)
    from touch
    group by agent_id, target_id, relation, operation, day
    on conflict (agent_id, target_id, relation, operation, day) do update
        set statements = u.statements + excluded.statements,
            rows       = u.rows + excluded.rows,
            errors     = u.errors + excluded.errors,
            denials    = u.denials + excluded.denials,
            last_at    = greatest(u.last_at, excluded.last_at))
insert into usage_relation_last as u (agent_id, target_id, relation, operation, last_at, first_at, statements)
select agent_id, target_id, relation, operation, max(started_at), min(started_at), sum(statements)
from touch
group by agent_id, target_id, relation, operation
on conflict (agent_id, target_id, relation, operation) do update
    set last_at    = greatest(u.last_at, excluded.last_at),
        first_at   = least(u.first_at, excluded.first_at),
        statements = u.statements + excluded.statements
    $rollup$ using spool, from_leaf, to_leaf;
end
$$;
