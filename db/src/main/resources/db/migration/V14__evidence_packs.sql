-- Evidence packs: what an auditor downloads to re-perform a campaign's review, generated in the
-- background and kept, plus two facts the pack needs that items did not keep.

-- Who was to decide at launch (the reviewer column moves on escalation and to a second stage).
alter table campaign_item add column assigned_reviewer text;
update campaign_item
   set assigned_reviewer = coalesce(substring(reviewer_reason from '^(.*) did not decide by '), reviewer)
 where stage = 1;
-- A second-stage item lost its first reviewer when it moved on: say so rather than guess.
update campaign_item set assigned_reviewer = 'unknown (assigned before Vigil kept it)' where assigned_reviewer is null;
alter table campaign_item alter column assigned_reviewer set not null;

-- The exact statements remediation ran on the target, in order (a retry appends its own).
alter table campaign_item add column remediation_statements text[] not null default '{}';

-- When the item's reviewer missed the due date (it was undecided then, and escalated unless its
-- reviewer was the fallback already). The reason text is replaced when an item moves to a second
-- stage; this stays.
alter table campaign_item add column overdue_at timestamptz;
update campaign_item i set overdue_at = c.due_at
  from campaign c
 where c.id = i.campaign_id and (i.reviewer_reason like '%; escalated' or i.defaulted);

-- One generation of a campaign's pack. The newest ready one is what auditors download; a closed
-- campaign's pack is final, an open one's is as of its generation.
create table evidence_pack (
    id            uuid primary key,
    campaign_id   uuid        not null references campaign (id),
    state         text        not null check (state in ('running', 'ready', 'failed')),
    -- 0..1, updated while the items stream
    progress      real        not null default 0,
    requested_by  text        not null,
    requested_at  timestamptz not null,
    -- the instance generating it heartbeats here; a running pack without a heartbeat for long failed
    heartbeat_at  timestamptz not null,
    finished_at   timestamptz,
    error         text,
    items         integer
);
create index evidence_pack_campaign_idx on evidence_pack (campaign_id, requested_at desc);
-- One generation at a time per campaign.
create unique index evidence_pack_running_idx on evidence_pack (campaign_id) where state = 'running';

-- The pack's files: the workbook, the document, the manifest and its signature. Their content is
-- kept in chunks, so storing and serving a large pack never holds a whole file in memory.
create table evidence_file (
    pack_id  uuid   not null references evidence_pack (id) on delete cascade,
    name     text   not null,
    sha256   bytea  not null,
    size     bigint not null,
    primary key (pack_id, name)
);

create table evidence_chunk (
    pack_id  uuid    not null,
    name     text    not null,
    seq      integer not null,
    data     bytea   not null,
    primary key (pack_id, name, seq),
    foreign key (pack_id, name) references evidence_file (pack_id, name) on delete cascade
);
