-- Standing approvals (issue 20): an administrator approves one exact statement of one agent ahead of
-- time, with its values fixed or free, for a number of uses or until a time; the gateway then runs it
-- without asking a person, and counts each use. Withdrawn, it stops at once (within a second). Never
-- deleted: they are part of the policy's history and of a campaign's evidence.
create table standing_approval (
    id            uuid primary key,
    agent_id      uuid        not null references agent (id),
    -- the statement as the trail records it, and its values (null: any values)
    sql_text      text        not null,
    parameters    text[],
    -- how many more times it may run (null: no count), and until when (null: no end)
    uses_left     integer check (uses_left >= 0),
    valid_until   timestamptz,
    check (uses_left is not null or valid_until is not null),
    uses          integer     not null default 0,
    -- the policy and rule whose review it stands in for, and the request it was granted from
    policy        text        not null,
    rule          text        not null,
    from_request  uuid references approval_request (id),
    granted_by    text        not null,
    granted_at    timestamptz not null,
    reason        text        not null check (length(reason) between 1 and 1000),
    withdrawn_by  text,
    withdrawn_at  timestamptz,
    check ((withdrawn_by is null) = (withdrawn_at is null))
);

create index standing_approval_agent_idx on standing_approval (agent_id) where withdrawn_at is null;
