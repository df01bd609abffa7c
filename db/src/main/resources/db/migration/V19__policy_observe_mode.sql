-- Observe mode (issue 19): a policy version either enforces (what it denies does not run) or only
-- observes (nothing it says stops a statement; what it would have denied or sent for review is kept
-- with the statement). Switching is a new version, as every policy change is, so each verdict in the
-- trail names the mode it was made in.
alter table policy_version
    add column mode text not null default 'enforce' check (mode in ('enforce', 'observe'));

-- What an observing policy would have said of a statement that ran: the most severe of them, when it
-- was not allow.
alter table statement
    add column observed_verdict text check (observed_verdict in ('review', 'deny')),
    add column observed_policy  text,
    add column observed_rule    text;

create index statement_observed_idx on statement (observed_policy, started_at desc)
    where observed_verdict is not null;

create or replace view statement_view as
select st.session_id, st.seq, st.started_at, st.sql_text, st.protocol, st.kind, st.command, st.reads,
       st.writes, st.functions, st.fingerprint, st.parameters, st.parameters_hash,
       coalesce(st.duration_us, o.duration_us)     as duration_us,
       coalesce(st.outcome, o.outcome)             as outcome,
       coalesce(st.command_tag, o.command_tag)     as command_tag,
       coalesce(st.row_count, o.row_count)         as row_count,
       coalesce(st.sqlstate, o.sqlstate)           as sqlstate,
       coalesce(st.error_message, o.error_message) as error_message,
       st.verdict, st.policies, st.rule,
       st.observed_verdict, st.observed_policy, st.observed_rule
from statement st
         left join statement_outcome o on o.session_id = st.session_id and o.seq = st.seq;
