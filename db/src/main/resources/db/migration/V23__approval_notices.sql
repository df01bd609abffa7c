-- Approvals (issue 20): who is told that a statement waits. The roles a person had at their last
-- sign-in (from the identity provider) say who the approvers are to notify; notified_at marks a
-- request whose notices went (claimed by one web app instance, so each goes once).
alter table person add column roles text[] not null default '{}';
alter table approval_request add column notified_at timestamptz;
create index approval_request_unnotified_idx on approval_request (requested_at) where notified_at is null;
