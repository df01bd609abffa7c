-- Retention: statement partitions (one per month) that end before the retention window are dropped
-- whole, by prune_statements(older_than), which Vigil runs daily when vigil.trail.retention is set.
--
-- Dropping records must not break the proof of the records kept. So for each record dropped (a
-- statement's start and completion, in `statement` and `statement_outcome`) its position and hash
-- stay here, not its content: the verifier links later records of its chain onto the kept hash,
-- feeds it to the spool's Merkle tree as before, and checks every signed root. Retention removes
-- whole months, oldest first, so the verifier reports the latest cut and calls any kept statement
-- older than it a sign that the "pruned" records were deleted, not pruned.
create table trail_pruned (
    session_id  uuid        not null,
    -- null for records chained before the Merkle tree existed (they are checked by chain only)
    spool_id    uuid,
    leaf        bigint,
    chain_index integer     not null,
    chain_hash  bytea       not null,
    -- the dropped partition's upper bound: the record was older than this
    before      timestamptz not null,
    pruned_at   timestamptz not null,
    primary key (session_id, chain_index)
);

create trigger trail_pruned_insert_only before update or delete on trail_pruned
    for each row execute function refuse_trail_change();
create trigger trail_pruned_no_truncate before truncate on trail_pruned
    for each statement execute function refuse_trail_change();

-- Outcomes that shipped apart from their statement live in statement_outcome, which is not
-- partitioned: prune_statements deletes those rows, and only it may (a transaction-local flag).
create or replace function refuse_trail_change() returns trigger
    language plpgsql as
$$
begin
    if tg_op = 'DELETE' and tg_table_name = 'statement_outcome'
        and current_setting('vigil.pruning_statements', true) = 'on' then
        return old;
    end if;
    raise exception 'the audit trail is insert-only: % on % refused', tg_op, tg_table_name
        using errcode = 'insufficient_privilege';
end
$$;

-- Drops every monthly statement partition that ends at or before older_than, keeping each dropped
-- record's hash and position in trail_pruned. Returns the number of partitions dropped. The default
-- partition (rows of months without a partition of their own) is never pruned. Only the store's
-- owner runs it (it takes the statement table's lock for the drop; the shipper waits meanwhile).
create function prune_statements(older_than timestamptz) returns integer
    language plpgsql as
$$
declare
    part      record;
    upper_end timestamptz;
    dropped   integer := 0;
begin
    for part in
        select c.relname, pg_get_expr(c.relpartbound, c.oid) as bound
        from pg_inherits i
                 join pg_class c on c.oid = i.inhrelid
        where i.inhparent = 'statement'::regclass
          and c.relname ~ '^statement_[0-9]{4}_[0-9]{2}$'
        order by c.relname
    loop
        -- The partition's own upper bound, e.g. FOR VALUES FROM ('...') TO ('2026-12-01 00:00:00+00'),
        -- whatever time zone it was created in.
        upper_end := (regexp_match(part.bound, 'TO \(''([^'']+)''\)'))[1]::timestamptz;
        continue when upper_end is null or upper_end > older_than;
        execute format(
            'insert into trail_pruned (session_id, spool_id, leaf, chain_index, chain_hash, before, pruned_at)
             select x.session_id, s.spool_id, x.leaf, x.chain_index, x.chain_hash, $1, now()
             from (select session_id, start_leaf as leaf, start_index as chain_index, start_hash as chain_hash
                   from %1$I where start_hash is not null
                   union all
                   select session_id, end_leaf, end_index, end_hash
                   from %1$I where end_hash is not null
                   union all
                   select o.session_id, o.leaf, o.chain_index, o.chain_hash
                   from statement_outcome o
                   where exists (select 1 from %1$I st where st.session_id = o.session_id and st.seq = o.seq)) x
                  join session s on s.id = x.session_id',
            part.relname) using upper_end;
        perform set_config('vigil.pruning_statements', 'on', true);
        execute format(
            'delete from statement_outcome o
             where exists (select 1 from %I st where st.session_id = o.session_id and st.seq = o.seq)',
            part.relname);
        perform set_config('vigil.pruning_statements', 'off', true);
        execute format('drop table %I', part.relname);
        dropped := dropped + 1;
    end loop;
    return dropped;
end
$$;

revoke execute on function prune_statements(timestamptz) from public;
