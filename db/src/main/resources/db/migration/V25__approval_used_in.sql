-- An approval given after a refusal is used by the agent's retry, which may come in another session
-- (issue 20): the statement that ran is that session's statement_seq.
alter table approval_request add column statement_session_id uuid;
