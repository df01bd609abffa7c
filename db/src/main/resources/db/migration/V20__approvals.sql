-- Approvals (issue 20): a statement policy sends for review waits in the agent's live session until a
-- person decides. The gateway holding it writes the request; an approver's decision is written here
-- by the web app (any instance) and read by that gateway within a second; the gateway then marks
-- what became of it. Requests are never deleted: they are evidence of who signed off what.
--
-- No foreign key to session: the gateway writes a request at once, while the session's own row
-- may still be on its way through the trail's shipper.
create table approval_request (
    id               uuid primary key,
    session_id       uuid        not null,
    -- the statement's place in its session's trail, once it is recorded (null while it waits)
    statement_seq    bigint,
    agent_id         uuid        not null references agent (id),
    target_id        uuid        not null references target (id) on delete cascade,
    policy           text        not null,
    policy_version   integer     not null,
    rule             text        not null,
    -- what the rule says, shown to the approver and the agent
    rule_message     text        not null,
    -- the statement as the trail records it (secret literals redacted) and its bound values (null if
    -- the target keeps only their hash, or there are none)
    sql_text         text        not null,
    parameters       text[],
    -- SHA-256 over the agent, the text, the values and the session's state (role, search_path,
    -- settings): an approval is for exactly this
    binding          text        not null,
    -- true: it waits in the live session; false: it was refused at once (inside a transaction) and
    -- runs once, on the agent's retry, if approved
    held             boolean     not null,
    requested_at     timestamptz not null,
    expires_at       timestamptz not null,
    state            text        not null default 'pending'
        check (state in ('pending', 'approved', 'denied', 'expired', 'withdrawn', 'released', 'used')),
    decided_by       text,
    decided_at       timestamptz,
    decision_reason  text check (length(decision_reason) <= 1000),
    -- when the gateway acted on it (released, refused, withdrawn, expired)
    closed_at        timestamptz,
    check ((state in ('approved', 'denied', 'released', 'used')) = (decided_by is not null))
);

create index approval_request_pending_idx on approval_request (requested_at) where state = 'pending';
create index approval_request_agent_idx on approval_request (agent_id, requested_at desc);
