-- Flyway runs this after every migrate, so each start of Vigil keeps partitions ahead of time.
select ensure_statement_partitions(2);
