-- The review app's inventory and evidence: agents with upstream roles of their own, people's actions
-- as trail records, each agent's privileges as read from its target, and usage rolled up from the
-- trail.

-- An agent may log in to its target as a role of its own, so its privileges are its own and taking
-- them away touches no other agent. Unset, the gateway logs in with the target's login role.
-- The secret is sealed like the target's (AES-256-GCM under the configured key, bound to the row).
alter table agent
    add column upstream_user   text,
    add column upstream_secret bytea,
    add column tags            text[] not null default '{}',
    -- who disabled it (an owner may re-enable only what they disabled themselves)
    add column disabled_by     text,
    add constraint agent_upstream_complete check ((upstream_user is null) = (upstream_secret is null));

alter table target
    add column description text not null default '';

-- What a person did in the web app (created an agent, rotated a secret, changed an owner, ...). A
-- trail record like a refused login: a hash chain of one record under the action's id, and a leaf
-- of its spool's tree, so an action removed or edited later breaks the signed tree.
create table person_action (
    id           uuid primary key,
    acted_at     timestamptz not null,
    -- the person's login name at the identity provider, or "vigil" for what Vigil did on its own
    actor        text        not null,
    -- e.g. agent.create, agent.rotate-secret, target.edit
    action       text        not null,
    subject_kind text        not null,
    -- no foreign key: the record outlives its subject
    subject_id   uuid,
    subject_name text        not null,
    -- what changed, for a reader (never a secret)
    detail       text        not null,
    chain_hash   bytea       not null,
    spool_id     uuid        not null,
    leaf         bigint      not null
);
create index person_action_acted_idx on person_action (acted_at desc);
create index person_action_subject_idx on person_action (subject_id, acted_at desc);

create trigger person_action_insert_only before update or delete on person_action
    for each row execute function refuse_trail_change();
create trigger person_action_no_truncate before truncate on person_action
    for each statement execute function refuse_trail_change();

do
$$
    begin
        if exists (select 1 from pg_roles where rolname = 'vigil_trail_writer') then
            grant select, insert on person_action to vigil_trail_writer;
        end if;
    exception
        when insufficient_privilege then
            raise notice 'vigil_trail_writer not granted person_action (% may not grant)', current_user;
    end
$$;

-- The privileges an agent's upstream role holds on its target, as the target's catalog says (read
-- on demand and on a schedule; each read replaces the agent's rows). Derived: not part of the trail.
create table agent_grant (
    agent_id  uuid not null references agent (id),
    -- table: object is schema.relation; column: schema.relation.column; schema: a schema;
    -- membership: a role it is a member of; attribute: the role itself (SUPERUSER, CREATEROLE, ...)
    kind      text not null check (kind in ('table', 'column', 'schema', 'membership', 'attribute')),
    object    text not null,
    -- table: SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER, or OWNER (may alter and
    -- drop it); column: SELECT, INSERT, UPDATE, REFERENCES; schema: CREATE; membership: MEMBER
    privilege text not null,
    -- how the role holds it: direct, owner, PUBLIC, or the role it inherits it from
    via       text not null,
    primary key (agent_id, kind, object, privilege)
);

create table agent_grant_read (
    agent_id  uuid primary key references agent (id),
    role_name text        not null,
    -- the last read that succeeded (null: none has yet), and the last failure since, if any
    read_at   timestamptz,
    failed_at timestamptz,
    error     text
);

-- Usage, rolled up from the trail: statements per agent x target x day x kind, and per relation x
-- operation (select for what a statement reads; insert, update, delete, merge, truncate, ddl, ...
-- for what it writes). A statement is counted when its start is shipped; its rows, errors and
-- denials when its outcome is (often in the same batch, sometimes later). Days are UTC.
create table usage_day (
    agent_id   uuid        not null,
    target_id  uuid        not null,
    day        date        not null,
    kind       text        not null,
    statements bigint      not null default 0,
    rows       bigint      not null default 0,
    errors     bigint      not null default 0,
    denials    bigint      not null default 0,
    last_at    timestamptz not null,
    primary key (agent_id, target_id, day, kind)
);

create table usage_relation_day (
    agent_id   uuid        not null,
    target_id  uuid        not null,
    relation   text        not null,
    operation  text        not null,
    day        date        not null,
    statements bigint      not null default 0,
    rows       bigint      not null default 0,
    errors     bigint      not null default 0,
    denials    bigint      not null default 0,
    last_at    timestamptz not null,
    primary key (agent_id, target_id, relation, operation, day)
);
create index usage_relation_day_day_idx on usage_relation_day (day);

-- When each agent last used each relation with each operation: what "held but never used in N
-- days" is judged on, without reading N days of rollups for every agent.
create table usage_relation_last (
    agent_id  uuid        not null,
    target_id uuid        not null,
    relation  text        not null,
    operation text        not null,
    last_at   timestamptz not null,
    primary key (agent_id, target_id, relation, operation)
);

-- Each agent's last statement on each target: its "last activity", one row per agent and target.
create table usage_agent_last (
    agent_id  uuid        not null,
    target_id uuid        not null,
    last_at   timestamptz not null,
    primary key (agent_id, target_id)
);

-- How far into each spool's tree the rollup has read: leaves before next_leaf are counted.
create table usage_cursor (
    spool_id   uuid primary key,
    next_leaf  bigint      not null,
    updated_at timestamptz not null
);

-- The rollup reads new records by their leaf number. Leaves grow with insertion order, so BRIN
-- indexes find them at almost no cost to the gateway's inserts.
create index statement_start_leaf_brin on statement using brin (start_leaf);
create index statement_outcome_leaf_brin on statement_outcome using brin (leaf);

-- The functions keep the search path they were created with (the store's schema), whoever calls them.

-- Counts what each spool shipped since the last call into the usage tables, at most max_leaves of
-- each spool's leaves per call (so a long backlog is worked off in bounded transactions: call
-- again while it returns more than 0), in one transaction with the cursor; concurrent callers
-- (several app instances) wait for each other, so nothing is counted twice. Returns the number of
-- trail records (leaves) read: 0 when it is up to date.
create function roll_up_usage(max_leaves bigint default 500000) returns bigint
    language plpgsql
    set search_path from current as
$$
declare
    spool record;
    total bigint := 0;
begin
    perform pg_advisory_xact_lock(hashtext('vigil.roll_up_usage'));
    for spool in
        select c.spool_id, coalesce(u.next_leaf, 0) as from_leaf,
               least(c.leaves, coalesce(u.next_leaf, 0) + max_leaves) as to_leaf
        from trail_cursor c
                 left join usage_cursor u on u.spool_id = c.spool_id
        where c.leaves > coalesce(u.next_leaf, 0)
    loop
        perform roll_up_usage_range(spool.spool_id, spool.from_leaf, spool.to_leaf);
        total := total + (spool.to_leaf - spool.from_leaf);
        insert into usage_cursor (spool_id, next_leaf, updated_at)
        values (spool.spool_id, spool.to_leaf, now())
        on conflict (spool_id) do update set next_leaf = excluded.next_leaf, updated_at = excluded.updated_at;
    end loop;
    return total;
end
$$;

-- The operation a statement performs on the relations it writes, from its parse tree's node type.
create function usage_write_operation(kind text, command text) returns text
    language sql immutable as
$$
select case
           when kind = 'ddl' then 'ddl'
           when kind = 'privilege' then 'grant'
           when command = 'InsertStmt' then 'insert'
           when command = 'UpdateStmt' then 'update'
           when command = 'DeleteStmt' then 'delete'
           when command = 'MergeStmt' then 'merge'
           when command = 'TruncateStmt' then 'truncate'
           when command = 'CopyStmt' then 'insert'
           else coalesce(lower(regexp_replace(command, 'Stmt$', '')), 'unknown')
           end
$$;

-- One statement, no temporary tables (a store may revoke TEMP from PUBLIC): the facts and the
-- relations they touched are CTEs, and each rollup table is filled by its own data-modifying CTE.
-- Run with EXECUTE so it is planned for each range's actual leaves (a generic plan cannot know how
-- few rows the range holds, and may read the whole statement table).
create function roll_up_usage_range(spool uuid, from_leaf bigint, to_leaf bigint) returns void
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
insert into usage_relation_last as u (agent_id, target_id, relation, operation, last_at)
select agent_id, target_id, relation, operation, max(started_at)
from touch
group by agent_id, target_id, relation, operation
on conflict (agent_id, target_id, relation, operation) do update
    set last_at = greatest(u.last_at, excluded.last_at)
    $rollup$ using spool, from_leaf, to_leaf;
end
$$;

-- Forgets every rollup, so that roll_up_usage counts the whole trail again (what is left of it after
-- retention), a bounded batch per call.
create function reset_usage() returns void
    language plpgsql
    set search_path from current as
$$
begin
    perform pg_advisory_xact_lock(hashtext('vigil.roll_up_usage'));
    delete from usage_day;
    delete from usage_relation_day;
    delete from usage_relation_last;
    delete from usage_agent_last;
    delete from usage_cursor;
end
$$;
