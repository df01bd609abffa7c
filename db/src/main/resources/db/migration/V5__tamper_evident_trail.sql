-- The trail becomes insert-only and hash-chained. Every session's events (opened, each statement's
-- start and completion, closed) form one SHA-256 chain over their canonical encoding (see the
-- gateway's TrailCodec); each row keeps its event's position in the chain and hash. A statement
-- whose start and completion were shipped together is one row; a completion shipped later is a row
-- of statement_outcome, and a session's end a row of session_end: nothing is ever updated.

alter table session
    add column chain_hash bytea;

alter table statement
    add column start_index integer,
    add column start_hash  bytea,
    add column end_index   integer,
    add column end_hash    bytea;

create table statement_outcome (
    session_id    uuid not null,
    seq           bigint not null,
    started_at    timestamptz not null,
    chain_index   integer not null,
    duration_us   bigint not null check (duration_us >= 0),
    outcome       text not null check (outcome in ('completed', 'failed', 'skipped', 'refused')),
    command_tag   text,
    row_count     bigint,
    sqlstate      char(5),
    error_message text,
    chain_hash    bytea not null,
    primary key (session_id, seq)
);

create table session_end (
    session_id  uuid primary key references session (id),
    chain_index integer not null,
    ended_at    timestamptz not null,
    reason      text,
    chain_hash  bytea not null
);

-- How far each gateway spool has been copied into the store; moves in the same transaction as the
-- rows it covers, so a restart neither loses nor repeats a record.
create table trail_cursor (
    spool_id   uuid primary key,
    shipped    bigint not null,
    updated_at timestamptz not null
);

-- The ended_at/end_reason and outcome columns written by earlier versions stay; readers use these
-- views, which also see the insert-only rows.
create view session_view as
select s.id, s.agent_id, s.target_id, s.client_addr, s.application_name, s.started_at,
       coalesce(e.ended_at, s.ended_at) as ended_at,
       coalesce(e.reason, s.end_reason) as end_reason,
       s.on_behalf_of, s.task, s.upstream_role, s.tls
from session s
         left join session_end e on e.session_id = s.id;

create view statement_view as
select st.session_id, st.seq, st.started_at, st.sql_text, st.protocol, st.kind, st.command, st.reads,
       st.writes, st.functions, st.fingerprint, st.parameters, st.parameters_hash,
       coalesce(st.duration_us, o.duration_us)     as duration_us,
       coalesce(st.outcome, o.outcome)             as outcome,
       coalesce(st.command_tag, o.command_tag)     as command_tag,
       coalesce(st.row_count, o.row_count)         as row_count,
       coalesce(st.sqlstate, o.sqlstate)           as sqlstate,
       coalesce(st.error_message, o.error_message) as error_message
from statement st
         left join statement_outcome o on o.session_id = st.session_id and o.seq = st.seq;

-- Insert-only. A trigger refuses UPDATE, DELETE and TRUNCATE on the trail for everyone; where the
-- store's owner may create roles, the gateway also writes as vigil_trail_writer, which holds only
-- SELECT and INSERT. (An owner can still disable the trigger: tamper evidence comes from the hashes
-- and signed checkpoints, not from this.) Retention drops whole partitions, which no row trigger sees.
create function refuse_trail_change() returns trigger
    language plpgsql as
$$
begin
    raise exception 'the audit trail is insert-only: % on % refused', tg_op, tg_table_name
        using errcode = 'insufficient_privilege';
end
$$;

create trigger session_insert_only before update or delete on session
    for each row execute function refuse_trail_change();
create trigger statement_insert_only before update or delete on statement
    for each row execute function refuse_trail_change();
create trigger statement_outcome_insert_only before update or delete on statement_outcome
    for each row execute function refuse_trail_change();
create trigger session_end_insert_only before update or delete on session_end
    for each row execute function refuse_trail_change();
create trigger session_no_truncate before truncate on session
    for each statement execute function refuse_trail_change();
create trigger statement_no_truncate before truncate on statement
    for each statement execute function refuse_trail_change();
create trigger statement_outcome_no_truncate before truncate on statement_outcome
    for each statement execute function refuse_trail_change();
create trigger session_end_no_truncate before truncate on session_end
    for each statement execute function refuse_trail_change();

do
$$
    begin
        if not exists (select 1 from pg_roles where rolname = 'vigil_trail_writer') then
            create role vigil_trail_writer nologin;
        end if;
        execute format('grant usage on schema %I to vigil_trail_writer', current_schema);
        grant select, insert on session, statement, statement_outcome, session_end to vigil_trail_writer;
        grant select, insert, update on trail_cursor to vigil_trail_writer;
        grant select on agent, target to vigil_trail_writer;
        execute format('grant vigil_trail_writer to %I', current_user);
    exception
        when insufficient_privilege then
            raise notice 'no vigil_trail_writer role (% may not create roles): the insert-only triggers stand alone',
                current_user;
    end
$$;
