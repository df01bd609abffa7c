-- Vigil's core store: the databases Vigil fronts, the agents that use them, their credentials,
-- and what they did (sessions and statements). Later features add their tables in new migrations.

-- A database Vigil fronts. The agent never sees upstream_secret: the gateway logs in with it.
create table target (
    id              uuid primary key,
    name            text not null unique check (name ~ '^[a-z][a-z0-9_-]{0,62}$'),
    host            text not null,
    port            integer not null check (port between 1 and 65535),
    database_name   text not null,
    tls_mode        text not null default 'disable' check (tls_mode in ('disable', 'require', 'verify-full')),
    upstream_user   text not null,
    -- AES-256-GCM, nonce || ciphertext, under the key from Vigil's configuration (never in this store).
    upstream_secret bytea not null,
    created_at      timestamptz not null default now()
);

-- A service account: an AI agent or a CI job. Every agent has one accountable human owner.
create table agent (
    id         uuid primary key,
    -- The user name the agent presents in its PostgreSQL startup message.
    name       text not null unique check (name ~ '^[a-z][a-z0-9_.-]{0,62}$'),
    owner      text not null,
    purpose    text not null,
    target_id  uuid not null references target (id),
    status     text not null default 'active' check (status in ('active', 'disabled', 'revoked')),
    created_at timestamptz not null default now()
);
create index agent_owner_idx on agent (owner);

-- A Vigil-issued secret, kept only as its SCRAM-SHA-256 verifier (RFC 5802/7677), in PostgreSQL's
-- own format: SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>.
create table agent_credential (
    id             uuid primary key,
    agent_id       uuid not null references agent (id),
    scram_verifier text not null check (scram_verifier like 'SCRAM-SHA-256$%'),
    created_at     timestamptz not null default now(),
    expires_at     timestamptz,
    revoked_at     timestamptz
);
create index agent_credential_live_idx on agent_credential (agent_id) where revoked_at is null;

-- One client connection through the gateway, from authentication to close.
create table session (
    id               uuid primary key,
    agent_id         uuid not null references agent (id),
    target_id        uuid not null references target (id),
    client_addr      text not null,
    application_name text,
    started_at       timestamptz not null,
    ended_at         timestamptz,
    end_reason       text
);
create index session_started_idx on session (started_at desc, id);
create index session_agent_idx on session (agent_id, started_at desc);

-- One statement an agent sent, with its outcome. This is the table that grows: it is partitioned by
-- month on started_at (partitions are created ahead by ensure_statement_partitions, run after every
-- migration; anything outside them lands in the default partition).
create table statement (
    session_id    uuid not null references session (id),
    -- Position within the session, from 1: the order the gateway forwarded statements in.
    seq           bigint not null,
    started_at    timestamptz not null,
    duration_us   bigint check (duration_us >= 0),
    sql_text      text not null,
    protocol      text not null check (protocol in ('simple', 'extended')),
    command_tag   text,
    row_count     bigint,
    sqlstate      char(5),
    error_message text,
    primary key (session_id, seq, started_at)
) partition by range (started_at);
create index statement_started_idx on statement (started_at desc);

create table statement_default partition of statement default;

create function ensure_statement_partitions(months_ahead integer) returns void
    language plpgsql as
$$
declare
    month_start date;
    partition   text;
begin
    for i in 0..months_ahead loop
        month_start := (date_trunc('month', now()) + make_interval(months => i))::date;
        partition := format('statement_%s', to_char(month_start, 'YYYY_MM'));
        if to_regclass(partition) is null then
            begin
                execute format('create table %I partition of statement for values from (%L) to (%L)',
                               partition, month_start, (month_start + interval '1 month')::date);
            exception
                when check_violation then
                    -- The default partition already holds rows of that month (the store was down
                    -- across a month boundary). They stay where they are; queries still see them.
                    raise notice 'statement rows for % are in the default partition', partition;
            end;
        end if;
    end loop;
end
$$;
