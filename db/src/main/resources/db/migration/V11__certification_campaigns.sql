-- Certification campaigns: what to review, how often and by whom (a definition); each launch of a
-- definition (a campaign) with its frozen population (items), every decision ever made on an item,
-- the notices sent, the remediation applied and verified, and flags raised for investigation.

-- Who is reviewed, on what schedule, by whom, and what silence means. Durations are in seconds so a
-- test can run a whole campaign in seconds; the web app edits them in days.
create table campaign_definition (
    id                    uuid primary key,
    name                  text        not null unique check (length(name) between 1 and 120),
    description           text        not null default '',
    -- the scope: every agent matching all the non-empty lists (all three empty: every agent)
    scope_targets         uuid[]      not null default '{}',
    scope_owners          text[]      not null default '{}',
    scope_tags            text[]      not null default '{}',
    -- a Quartz cron expression (seconds first); quarterly by default
    schedule              text        not null,
    time_zone             text        not null default 'UTC',
    review_seconds        bigint      not null check (review_seconds > 0),
    -- the usage window the evidence covers, ending at launch
    lookback_seconds      bigint      not null check (lookback_seconds > 0),
    -- no statement for this long: the recommendation is to revoke
    inactive_seconds      bigint      not null check (inactive_seconds > 0),
    -- relations whose first use in the window is unusual ("schema.table", * as a wildcard)
    sensitive_relations   text[]      not null default '{}',
    -- reviews items whose owner is missing or gone, or who may not review them, and overdue items
    fallback_reviewer     text        not null,
    -- before the due date, each a reminder to reviewers with undecided items
    reminder_seconds      bigint[]    not null default '{}',
    -- after the due date: undecided items go to the fallback reviewer for this long, then the stage closes
    escalation_seconds    bigint      not null check (escalation_seconds >= 0),
    -- an optional second stage: its reviewer, duration, and which first-stage decisions go to it
    second_reviewer       text,
    second_review_seconds bigint check (second_review_seconds > 0),
    second_stage_for      text[]      not null default '{}',
    -- what an item nobody decided gets when its stage closes
    default_decision      text        not null check (default_decision in ('none', 'revoke', 'recommendation')),
    -- signs the campaign off (management acknowledgement)
    owner                 text        not null,
    enabled               boolean     not null default true,
    created_by            text        not null,
    created_at            timestamptz not null,
    updated_at            timestamptz not null,
    check ((second_reviewer is null) = (second_review_seconds is null))
);

-- One launch of a definition. Its settings are copied at launch: editing the definition changes the
-- next campaign, not this one.
create table campaign (
    id               uuid primary key,
    definition_id    uuid        not null references campaign_definition (id),
    name             text        not null,
    -- the definition as launched (json, kept byte for byte)
    settings         json        not null,
    state            text        not null check (state in ('review', 'sign-off', 'closed')),
    stage            integer     not null check (stage in (1, 2)),
    launched_at      timestamptz not null,
    -- the usage window the evidence covers
    period_start     timestamptz not null,
    period_end       timestamptz not null,
    -- when the current stage's decisions are due, and when it closes (after escalation)
    due_at           timestamptz not null,
    closes_at        timestamptz not null,
    items            integer     not null,
    -- SHA-256 over every item's evidence hash, in agent order: the population as launched
    population_hash  bytea       not null,
    signed_off_by    text,
    signed_off_at    timestamptz,
    sign_off_note    text,
    closed_at        timestamptz
);
create index campaign_definition_idx on campaign (definition_id, launched_at desc);

-- One agent under review in one campaign, with the evidence frozen at launch.
create table campaign_item (
    id                    uuid primary key,
    campaign_id           uuid        not null references campaign (id),
    agent_id              uuid        not null references agent (id),
    agent_name            text        not null,
    owner                 text        not null,
    target_name           text        not null,
    upstream_role         text        not null,
    -- whether the upstream role is the agent's own (Vigil may then take its login and privileges)
    own_role              boolean     not null,
    -- grants and usage as of launch, as json kept byte for byte, and the SHA-256 of that text (so
    -- anyone can recompute it: sha256(convert_to(evidence::text, 'UTF8')))
    evidence              json        not null,
    evidence_hash         bytea       not null,
    recommendation        text        not null check (recommendation in ('attest', 'revoke', 'reduce', 'flag')),
    recommendation_reason text        not null,
    -- the statements a reduce runs on the target (generated at launch from the unused privileges)
    reduce_statements     text[]      not null default '{}',
    stage                 integer     not null default 1,
    -- who is to decide now, and why them (owner, fallback: ..., escalated, second stage)
    reviewer              text        not null,
    reviewer_reason       text        not null,
    -- the current decision; every decision ever made is in campaign_decision
    decision              text check (decision in ('attest', 'revoke', 'reduce', 'flag')),
    justification         text,
    decided_by            text,
    decided_at            timestamptz,
    bulk                  boolean     not null default false,
    -- the decision came from the definition's default, not from a person
    defaulted             boolean     not null default false,
    -- the first-stage decision when the item went to a second stage
    first_decision        text,
    first_decided_by      text,
    -- remediation of the final decision: pending, running (claimed by an instance at remediated_at),
    -- applied and verified, failed (with why), or none needed
    remediation           text check (remediation in ('pending', 'running', 'verified', 'failed', 'none')),
    remediation_detail    text,
    remediated_at         timestamptz,
    unique (campaign_id, agent_id)
);
create index campaign_item_reviewer_idx on campaign_item (reviewer, campaign_id) where decision is null;

-- Every decision made on an item, including the ones later changed, refused and defaulted.
create table campaign_decision (
    id            bigint generated always as identity primary key,
    item_id       uuid        not null references campaign_item (id),
    stage         integer     not null,
    decision      text        not null,
    justification text        not null,
    decided_by    text        not null,
    decided_at    timestamptz not null,
    bulk          boolean     not null,
    -- accepted, or refused and why (separation of duties)
    refused       text
);
create index campaign_decision_item_idx on campaign_decision (item_id, id);

-- Reminders, escalations and launch notices, as sent (or as the mail server refused them).
create table campaign_notice (
    id          bigint generated always as identity primary key,
    campaign_id uuid        not null references campaign (id),
    kind        text        not null check (kind in ('launch', 'reminder', 'escalation', 'sign-off')),
    recipient   text        not null,
    items       integer     not null,
    sent_at     timestamptz not null,
    -- null when the mail went out; otherwise why not ('queued' until the change that sent it commits)
    mail_error  text
);
create index campaign_notice_campaign_idx on campaign_notice (campaign_id, id);

-- An agent marked for investigation by a review; an administrator resolves it with a note.
create table agent_flag (
    id          uuid primary key,
    agent_id    uuid        not null references agent (id),
    item_id     uuid references campaign_item (id),
    raised_by   text        not null,
    raised_at   timestamptz not null,
    reason      text        not null,
    resolved_by text,
    resolved_at timestamptz,
    resolution  text
);
create index agent_flag_open_idx on agent_flag (agent_id) where resolved_at is null;

-- The people Vigil knows: whoever signed in (their e-mail from the provider's token, refreshed at
-- each sign-in) and whoever an administrator entered. Reviews go to login names, as agents' owners
-- do; an owner marked as gone has their items reviewed by the definition's fallback reviewer.
create table person (
    login      text primary key,
    email      text,
    seen_at    timestamptz,
    gone_at    timestamptz,
    gone_by    text
);
