-- Workload identity: an agent may prove who it is with an OIDC access token from a trusted issuer
-- instead of a Vigil-issued secret. Delegation claims (the human the agent acts for, the task or
-- ticket it works on) are kept with each session.
alter table agent
    add column identity text not null default 'secret' check (identity in ('secret', 'oidc'));

alter table session
    add column on_behalf_of text,
    add column task         text;
