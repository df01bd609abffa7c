-- Statements arrive in time order, so a BRIN index serves time-range queries at a fraction of a
-- btree's cost per insert; the trail is written at the gateway's full throughput.
drop index statement_started_idx;
create index statement_started_brin on statement using brin (started_at);
