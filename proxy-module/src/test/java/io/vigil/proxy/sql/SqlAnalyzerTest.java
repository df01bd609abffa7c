package io.vigil.proxy.sql;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.proxy.sql.SqlAnalysis.Refused;
import io.vigil.proxy.sql.SqlAnalysis.Understood;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The classifier against statements of the kind agents really send, parsed by PostgreSQL's parser. */
class SqlAnalyzerTest {

    private static final SqlAnalyzer analyzer = SharedAnalyzer.INSTANCE;

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            # sql                                                                          | kind        | reads                | writes          | functions
            select id, email from customers where id = 42                                 | read        | customers            |                 |
            SELECT c.id FROM shop.customers c JOIN orders o ON o.customer_id = c.id        | read        | shop.customers,orders |                |
            select count(*) from orders where created_at > now() - interval '1 day'       | read        | orders               |                 | count,now
            select * from (select id from payments) p where exists (select 1 from refunds) | read        | payments,refunds     |                 |
            with recent as (select * from orders) select * from recent                    | read        | orders               |                 |
            insert into audit_log (msg) values ('x')                                       | write       |                      | audit_log       |
            insert into archive.orders select * from orders where id < 10                 | write       | orders               | archive.orders  |
            update customers set email = lower(email) from blocked b where b.id = customers.id | write  | blocked              | customers       | lower
            delete from sessions using users u where u.id = sessions.user_id               | write       | users                | sessions        |
            merge into stock s using deliveries d on s.sku = d.sku when matched then update set qty = s.qty + d.qty | write | deliveries | stock |
            with gone as (delete from carts returning *) select count(*) from gone         | write       |                      | carts           | count
            copy orders from stdin                                                          | write       |                      | orders          |
            copy (select * from customers) to stdout                                       | read        | customers            |                 |
            copy payments to stdout                                                         | read        | payments             |                 |
            truncate staging                                                                | write       |                      | staging         |
            select * into backup_orders from orders                                        | ddl         | orders               | backup_orders   |
            create table t (id int)                                                         | ddl         |                      | t               |
            alter table orders add column note text                                        | ddl         |                      | orders          |
            drop table a, b.c                                                                | ddl         |                      | a,b.c           |
            create index on orders (created_at)                                            | ddl         |                      | orders          |
            create view v as select * from orders                                          | ddl         | orders               | v               |
            grant select on customers to analyst                                            | privilege   |                      | customers       |
            create role intruder login superuser                                            | privilege   |                      |                 |
            alter role app set search_path = public                                         | privilege   |                      |                 |
            set role admin                                                                   | privilege   |                      |                 |
            set statement_timeout = '5s'                                                      | utility     |                      |                 |
            show search_path                                                                 | utility     |                      |                 |
            vacuum analyze orders                                                             | utility     | orders               |                 |
            begin                                                                             | transaction |                      |                 |
            commit                                                                            | transaction |                      |                 |
            explain select * from orders                                                      | read        | orders               |                 |
            explain delete from orders                                                         | read        | orders               |                 |
            explain analyze delete from orders                                                 | write       |                      | orders          |
            explain (analyze, buffers) delete from orders                                      | write       |                      | orders          |
            explain (analyze off) delete from orders                                           | read        | orders               |                 |
            explain (analyze false, costs off) delete from orders                              | read        | orders               |                 |
            explain (analyze 0) delete from orders                                             | read        | orders               |                 |
            explain (analyze 1) delete from orders                                             | write       |                      | orders          |
            select pg_terminate_backend(pid) from pg_stat_activity                           | read        | pg_stat_activity     |                 | pg_terminate_backend
            select U&"pg_terminate_b\\0061ckend"(0)                                           | read        |                      |                 | pg_terminate_backend
            select pg_catalog.set_config('search_path', '', false)                          | read        |                      |                 | pg_catalog.set_config
            do $$ begin execute 'drop table t'; end $$                                       | utility     |                      |                 |
            prepare q(int) as select * from orders where id = $1                             | read        | orders               |                 |
            """)
    void classifies(String sql, String kind, String reads, String writes, String functions) {
        StatementShape shape = only(analyzer.analyze(sql));
        assertThat(shape.kind().label()).isEqualTo(kind);
        assertThat(shape.reads()).containsExactlyElementsOf(list(reads));
        assertThat(shape.writes()).containsExactlyElementsOf(list(writes));
        assertThat(shape.functions()).containsExactlyElementsOf(list(functions));
    }

    @Test
    void splitsAQueryIntoItsStatementsWithTheirOwnText() {
        Understood understood = (Understood) analyzer.analyze("begin; update t set a = 'é;'; commit");
        assertThat(understood.statements())
                .extracting(StatementShape::text)
                .containsExactly("begin", "update t set a = 'é;'", "commit");
        assertThat(understood.statements())
                .extracting(StatementShape::kind)
                .containsExactly(StatementKind.TRANSACTION, StatementKind.WRITE, StatementKind.TRANSACTION);
    }

    @Test
    void sameShapeWithOtherConstantsHasTheSameFingerprint() {
        String a = only(analyzer.analyze("select * from orders where id = 1")).fingerprint();
        String b =
                only(analyzer.analyze("SELECT *  FROM orders WHERE id = 987")).fingerprint();
        String c = only(analyzer.analyze("select * from orders where customer_id = 1"))
                .fingerprint();
        assertThat(a).hasSize(16).isEqualTo(b).isNotEqualTo(c);
    }

    /**
     * The second text is answered from the first's shape where that is sound, and parsed where a
     * constant's value decided something: either way exactly as a parse of it alone would answer.
     */
    @ParameterizedTest(name = "{0} then {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            SELECT abalance FROM pgbench_accounts WHERE aid = 41          | SELECT abalance FROM pgbench_accounts WHERE aid = 7
            insert into audit_log (msg, n) values ('x', 1)                  | insert into audit_log (msg, n) values ('it''s', 2)
            select * from t where d > date '2020-01-01'                     | select * from t where d > date 'garbage'
            prepare q as select * from orders where id = 1                  | prepare q as select * from orders where id = 2
            execute q(1)                                                    | execute q(2)
            explain (analyze 0) delete from orders                          | explain (analyze 1) delete from orders
            explain (analyze 'off') delete from orders                      | explain (analyze 'on') delete from orders
            explain (analyze 'on') delete from orders                       | explain (analyze 'off') delete from orders
            set standard_conforming_strings = 'on'                          | set standard_conforming_strings = 'off'
            set standard_conforming_strings = 1                             | set standard_conforming_strings = 0
            select set_config('standard_conforming_strings', 'on', false)   | select set_config('standard_conforming_strings', 'off', false)
            select set_config('search_path', 'a', false)                    | select set_config('standard_conforming_strings', 'off', false)
            declare c cursor for select set_config('x', 'on', false)        | declare c cursor for select set_config('standard_conforming_strings', 'off', false)
            select 1::varchar(5)                                            | select 1::varchar(0)
            select 1::varchar(5)                                            | select 1::varchar(2147483648)
            select 'a'                                                      | select 'a'; select 'b'
            copy orders from '/tmp/a'                                       | copy orders from '/tmp/b'
            notify jobs, 'a'                                                | notify jobs, 'b'
            alter role r password 'old'                                     | alter role r password 'new'
            select 1::float(10)                                             | select 1::float(30)
            select 1::float(10)                                             | select 1::float(0)
            select '{}'::int[5]                                             | select '{}'::int[7]
            select * from t where a = 'x'                                   | select * from t where a = 'x\\' ; drop table t; --'
            select * from t where a = 'x'                                   | select * from t where a = E'x\\' ; drop table t; --'
            select * from t where a = 1                                     | select * from t where a = 1 /* ' */ ; drop table t
            select 'a' from t                                               | select $$a$$ from t; drop table t
            select 'a'; select 'b'                                          | select 'aaa'; select 'bbbbbb'
            """)
    void aShapeAnswersAsAParseWould(String first, String second) {
        try (SqlAnalyzer warm = new SqlAnalyzer(SqlLimits.defaults());
                SqlAnalyzer cold = new SqlAnalyzer(SqlLimits.defaults())) {
            warm.analyze(first);
            assertThat(warm.analyze(second)).isEqualTo(cold.analyze(second));
        }
    }

    @Test
    void aStatementThatOnlyInlinesOtherConstantsIsParsedOnce() {
        try (SqlAnalyzer fresh = new SqlAnalyzer(SqlLimits.defaults())) {
            String first = "select abalance from pgbench_accounts where aid = 1";
            StatementShape parsed = only(fresh.analyze(first));
            long parses = fresh.parses();
            for (int aid = 2; aid < 100; aid++) {
                String sql = "select abalance from pgbench_accounts where aid = " + aid;
                assertThat(only(fresh.analyze(sql))).isEqualTo(parsed.withText(sql));
            }
            assertThat(fresh.parses()).isEqualTo(parses);

            fresh.analyze("set statement_timeout = '5s'");
            fresh.analyze("set statement_timeout = '6s'");
            assertThat(fresh.parses())
                    .as("a setting's value is read: parsed each time")
                    .isEqualTo(parses + 2);
        }
    }

    @Test
    void executeAndDeallocateNameTheirPreparedStatement() {
        assertThat(only(analyzer.analyze("execute q(1)")).preparedName()).isEqualTo("q");
        assertThat(only(analyzer.analyze("execute q(1)")).isExecute()).isTrue();
        assertThat(only(analyzer.analyze("deallocate q")).isDeallocate()).isTrue();
    }

    @Test
    void anEmptyQueryHasNoStatements() {
        assertThat(((Understood) analyzer.analyze(" ; ")).statements()).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            selec 1                                              | 42601
            select 'unterminated                                 | 42601
            set standard_conforming_strings = off                | 0A000
            set client_encoding = 'LATIN1'                       | 0A000
            select set_config('standard_conforming_strings', 'off', false) | 0A000
            IDENTIFY_SYSTEM                                      | 42601
            alter role current_user password 'mine-now'          | 0A000
            ALTER USER shop_support WITH ENCRYPTED PASSWORD 'x'   | 0A000
            alter role me password null                           | 0A000
            alter role me set standard_conforming_strings = off  | 0A000
            alter database shop set client_encoding = 'LATIN1'  | 0A000
            """)
    void refuses(String sql, String sqlState) {
        assertThat(analyzer.analyze(sql)).isInstanceOfSatisfying(Refused.class, r -> assertThat(r.sqlState())
                .isEqualTo(sqlState));
    }

    @Test
    void syntaxErrorPositionCountsCharactersNotBytes() {
        Refused refused = (Refused) analyzer.analyze("select 'é' from where");
        assertThat(refused.position()).isEqualTo("select 'é' from ".length() + 1);
    }

    @Test
    void resettingALexingSettingToItsDefaultIsAllowed() {
        assertThat(only(analyzer.analyze("set standard_conforming_strings = on"))
                        .kind())
                .isEqualTo(StatementKind.UTILITY);
        assertThat(only(analyzer.analyze("reset client_encoding")).kind()).isEqualTo(StatementKind.UTILITY);
    }

    static StatementShape only(SqlAnalysis analysis) {
        assertThat(analysis).isInstanceOf(Understood.class);
        List<StatementShape> statements = ((Understood) analysis).statements();
        assertThat(statements).hasSize(1);
        return statements.getFirst();
    }

    private static List<String> list(String csv) {
        return csv == null ? List.of() : Arrays.asList(csv.split(","));
    }
}
