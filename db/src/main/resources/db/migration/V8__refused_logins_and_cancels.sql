-- Two more kinds of trail record.
--
-- A login the gateway refused (wrong secret, unknown or revoked agent, invalid workload token,
-- another agent's database, a target that would not let Vigil in). No session opened, so each
-- attempt is a hash chain of one record under the attempt's id, and a leaf of its spool's tree like
-- any other record.
create table login_refusal (
    id               uuid primary key,
    attempted_at     timestamptz not null,
    user_name        text        not null,
    -- No foreign key: the record outlives the agent, and names one that never existed.
    agent_id         uuid,
    client_addr      text        not null,
    application_name text,
    database_name    text,
    sqlstate         char(5)     not null,
    reason           text        not null,
    chain_hash       bytea       not null,
    spool_id         uuid        not null,
    leaf             bigint      not null
);
create index login_refusal_attempted_idx on login_refusal (attempted_at desc);
create index login_refusal_agent_idx on login_refusal (agent_id, attempted_at desc) where agent_id is not null;

-- A client asked to cancel what a session was running: a record in that session's chain.
create table cancel_request (
    session_id   uuid        not null references session (id),
    chain_index  integer     not null,
    requested_at timestamptz not null,
    -- the statement running then (the oldest in flight), 0 if none was
    seq          bigint      not null,
    client_addr  text        not null,
    chain_hash   bytea       not null,
    leaf         bigint      not null,
    primary key (session_id, chain_index)
);

create trigger login_refusal_insert_only before update or delete on login_refusal
    for each row execute function refuse_trail_change();
create trigger login_refusal_no_truncate before truncate on login_refusal
    for each statement execute function refuse_trail_change();
create trigger cancel_request_insert_only before update or delete on cancel_request
    for each row execute function refuse_trail_change();
create trigger cancel_request_no_truncate before truncate on cancel_request
    for each statement execute function refuse_trail_change();

do
$$
    begin
        if exists (select 1 from pg_roles where rolname = 'vigil_trail_writer') then
            grant select, insert on login_refusal, cancel_request to vigil_trail_writer;
        end if;
    exception
        when insufficient_privilege then
            raise notice 'vigil_trail_writer not granted the new trail tables (% may not grant)', current_user;
    end
$$;
