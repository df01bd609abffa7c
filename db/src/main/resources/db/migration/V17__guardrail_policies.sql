-- Guardrail policies (issue 18): rules over each statement's facts, judged by the gateway before it
-- forwards the statement. A policy is the sequence of its versions: a change is a new version, never
-- an edit, so every verdict in the trail names the rules it was made by.

create table policy (
    id          uuid primary key,
    name        text not null unique check (name ~ '^[a-z][a-z0-9_-]{0,62}$'),
    -- a preset Vigil ships (baseline, export), or one people wrote
    preset      boolean not null default false,
    created_at  timestamptz not null default now()
);

create table policy_version (
    policy_id   uuid not null references policy (id),
    version     integer not null check (version >= 1),
    -- the policy document: {"name", "description", "rules": [{"name", "effect", "when", "message"}]}
    document    text not null,
    -- who made this version: a person's login name, or vigil for a preset
    created_by  text not null,
    created_at  timestamptz not null default now(),
    primary key (policy_id, version)
);

-- Where a policy applies: every agent of a target, or only those named, owned by one of the owners,
-- or carrying one of the tags (each list empty: no narrowing by it). An agent's verdict is the most
-- severe of every policy that applies to it.
create table policy_attachment (
    id          uuid primary key,
    policy_id   uuid not null references policy (id),
    target_id   uuid not null references target (id) on delete cascade,
    agents      text[] not null default '{}',
    owners      text[] not null default '{}',
    tags        text[] not null default '{}',
    created_by  text not null,
    created_at  timestamptz not null default now()
);
create index policy_attachment_target_idx on policy_attachment (target_id);

-- Bumped by every change to policies or attachments, in the change's transaction: the gateways
-- read it every quarter second and reload policies when it moves.
create table policy_epoch (
    id     boolean primary key default true check (id),
    epoch  bigint not null
);
insert into policy_epoch values (true, 1);

create function policy_epoch_bump() returns trigger
    language plpgsql as
$$
begin
    update policy_epoch set epoch = epoch + 1;
    return null;
end
$$;

create trigger policy_version_changes after insert or update or delete on policy_version
    for each statement execute function policy_epoch_bump();
create trigger policy_attachment_changes after insert or update or delete on policy_attachment
    for each statement execute function policy_epoch_bump();

-- Every new target gets the baseline preset, once Vigil has installed it.
create function target_gets_baseline() returns trigger
    language plpgsql as
$$
begin
    insert into policy_attachment (id, policy_id, target_id, created_by)
    select gen_random_uuid(), p.id, new.id, 'vigil' from policy p where p.name = 'baseline';
    return null;
end
$$;

create trigger target_gets_baseline after insert on target
    for each row execute function target_gets_baseline();
