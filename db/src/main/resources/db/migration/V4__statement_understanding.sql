-- What the gateway understood of each statement (PostgreSQL's own parser), its bind parameters,
-- and how it ended; what each session ran as.

-- Per target: keep bind parameter values, or only a SHA-256 of them (for targets whose parameters
-- carry personal data).
alter table target
    add column parameter_mode text not null default 'store' check (parameter_mode in ('store', 'hash'));

alter table session
    add column upstream_role text,
    add column tls           boolean not null default false;

alter table statement
    -- read | write | ddl | privilege | utility | transaction; null when the statement was not parsed
    add column kind            text check (kind in ('read', 'write', 'ddl', 'privilege', 'utility', 'transaction')),
    -- the parse tree's statement node, e.g. SelectStmt
    add column command         text,
    add column reads           text[] not null default '{}',
    add column writes          text[] not null default '{}',
    add column functions       text[] not null default '{}',
    -- same for the same statement shape with other constants (libpg_query fingerprint)
    add column fingerprint     text,
    add column parameters      text[],
    add column parameters_hash text,
    -- completed | failed | skipped | refused; null while (or if never) the outcome is known
    add column outcome         text check (outcome in ('completed', 'failed', 'skipped', 'refused'));

-- No index on kind or relations: filters on them always come with a time range (BRIN), and every
-- index here is paid on each of the gateway's inserts.
