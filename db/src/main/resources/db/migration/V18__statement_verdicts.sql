-- What policy said of each statement (issue 18): allowed ones name the policy versions they were
-- judged by, stopped ones the policy and rule (the reason is the outcome's message). Null in records
-- made before guardrails.
alter table statement
    add column verdict  text check (verdict in ('allow', 'review', 'deny')),
    add column policies text,
    add column rule     text;

create or replace view statement_view as
select st.session_id, st.seq, st.started_at, st.sql_text, st.protocol, st.kind, st.command, st.reads,
       st.writes, st.functions, st.fingerprint, st.parameters, st.parameters_hash,
       coalesce(st.duration_us, o.duration_us)     as duration_us,
       coalesce(st.outcome, o.outcome)             as outcome,
       coalesce(st.command_tag, o.command_tag)     as command_tag,
       coalesce(st.row_count, o.row_count)         as row_count,
       coalesce(st.sqlstate, o.sqlstate)           as sqlstate,
       coalesce(st.error_message, o.error_message) as error_message,
       st.verdict, st.policies, st.rule
from statement st
         left join statement_outcome o on o.session_id = st.session_id and o.seq = st.seq;
