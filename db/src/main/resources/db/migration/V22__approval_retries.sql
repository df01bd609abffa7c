-- Approvals inside a transaction (issue 20): a statement that may not wait in its session is refused
-- at once with a request (held = false); approved, the agent's same statement runs once on retry
-- ('used', with its place in the trail), or the approval lapses unused ('lapsed').
--
-- Who decided stays said whatever became of a decision: an approval whose session left is
-- 'withdrawn', one never used is 'lapsed', and both keep decided_by. Only a request nobody decided
-- lacks it.
alter table approval_request drop constraint approval_request_state_check;
alter table approval_request drop constraint approval_request_check;
alter table approval_request
    add constraint approval_request_state_check
        check (state in ('pending', 'approved', 'denied', 'expired', 'withdrawn', 'released', 'used', 'lapsed')),
    add constraint approval_request_decided_check
        check (state not in ('approved', 'denied', 'released', 'used', 'lapsed') or decided_by is not null),
    add constraint approval_request_undecided_check
        check (state <> 'pending' or decided_by is null);

-- The blast radius Vigil measured for the approver while the statement waited: the plan and the
-- planner's estimate (EXPLAIN as the agent's role, with its values), and for an UPDATE or DELETE the
-- exact number of rows it would change (run in a transaction rolled back at once, under a statement
-- timeout). blast_note says why a figure is missing.
alter table approval_request
    add column plan           text,
    add column estimated_rows bigint,
    add column exact_rows     bigint,
    add column blast_note     text,
    add column measured_at    timestamptz;

-- Who may decide, as the rule that asked says (issue 20): anyone with the approver role and the
-- agent's owner ('approver'), or the owner only ('owner'); and how many different people must approve
-- before it runs. Each person's decision is kept; the request is approved once enough approved, and
-- denied at the first denial.
alter table approval_request
    add column approvers        text    not null default 'approver' check (approvers in ('approver', 'owner')),
    add column approvals_needed integer not null default 1 check (approvals_needed between 1 and 5);

create table approval_decision (
    request_id  uuid        not null references approval_request (id),
    decided_by  text        not null,
    approved    boolean     not null,
    reason      text        not null default '' check (length(reason) <= 1000),
    decided_at  timestamptz not null,
    primary key (request_id, decided_by)
);
