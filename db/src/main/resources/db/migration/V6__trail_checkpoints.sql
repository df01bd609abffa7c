-- Every event a gateway ships becomes a leaf of its spool's RFC 6962 Merkle tree, numbered in the
-- order shipped (leaf data: session id, chain index, chain hash). Every 30 s the shipper signs the
-- tree's root with an Ed25519 key kept outside the store and inserts the checkpoint here. A verifier
-- with only the public key recomputes each chain from the rows, then the tree, and compares roots:
-- an edited, deleted, reordered or tail-truncated record no longer matches a signed checkpoint.

alter table session
    add column spool_id uuid,
    add column leaf     bigint;

alter table statement
    add column start_leaf bigint,
    add column end_leaf   bigint;

alter table statement_outcome
    add column leaf bigint;

alter table session_end
    add column leaf bigint;

-- The shipper's tree state moves with its cursor, in the same transaction as the rows.
alter table trail_cursor
    add column leaves   bigint not null default 0,
    add column frontier bytea  not null default ''::bytea;

create table trail_checkpoint (
    spool_id  uuid        not null,
    tree_size bigint      not null check (tree_size > 0),
    root      bytea       not null check (length(root) = 32),
    signed_at timestamptz not null,
    key_id    text        not null,
    signature bytea       not null,
    primary key (spool_id, tree_size)
);

create trigger trail_checkpoint_insert_only before update or delete on trail_checkpoint
    for each row execute function refuse_trail_change();
create trigger trail_checkpoint_no_truncate before truncate on trail_checkpoint
    for each statement execute function refuse_trail_change();

do
$$
    begin
        if exists (select 1 from pg_roles where rolname = 'vigil_trail_writer') then
            grant select, insert on trail_checkpoint to vigil_trail_writer;
        end if;
    exception
        when insufficient_privilege then
            raise notice 'vigil_trail_writer not granted trail_checkpoint (% may not grant)', current_user;
    end
$$;
