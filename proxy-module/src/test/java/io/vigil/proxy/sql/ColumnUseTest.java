package io.vigil.proxy.sql;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.proxy.sql.SqlAnalysis.Understood;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which columns a statement names, and in which clause, from PostgreSQL's parse tree. */
class ColumnUseTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            select name, u.ssn from users u where id = 1 order by created        | output=name,u.ssn where=id order=created
            select * from users                                                  | output=*
            select u.* from users u                                              | output=u.*
            select count(*) from users group by team having max(salary) > 9    | group=team having=salary
            select o.id from orders o join users u on u.id = o.user_id           | output=o.id join=u.id,o.user_id
            select id from orders join users using (user_id)                    | output=id join=user_id
            select id from orders where user_id in (select id from users where ssn = '1') | output=id where=user_id,id,ssn
            select (select ssn from users limit 1)                               | output=ssn
            select s.ssn from (select ssn from users where team = 'a') s         | output=s.ssn,ssn where=team
            with t as (select ssn from users) select * from t                    | output=ssn,*
            update users set salary = salary * 2 where id = 7 returning ssn     | set=salary where=id returning=ssn
            insert into users (name, ssn) values ('a', 'b')                      | insert=name,ssn
            delete from users where "SSN" = '1'                                  | where=SSN
            merge into users u using staff s on u.id = s.id when matched then update set ssn = s.ssn | join=u.id,s.id set=ssn,s.ssn
            insert into emp (id) values (1) on conflict (id) do update set salary = excluded.salary where emp.team = 'a' | insert=id set=salary,excluded.salary where=emp.team all=id,salary,excluded.salary,emp.team
            select (u).ssn, (u.addr).city from users u                          | output=u.ssn,u.addr.city
            insert into users values ('a', 'b')                                  | insert=*
            insert into users select * from staff                                | insert=* output=*
            copy users (ssn) to stdout                                           | output=ssn
            copy users to stdout                                                 | output=*
            copy users (name, ssn) from stdin                                    | insert=name,ssn
            merge into users u using staff s on u.id = s.id when matched and u.ssn = '1' then update set team = s.team when not matched then insert (ssn) values (s.ssn) | join=u.id,s.id where=u.ssn set=team,s.team insert=ssn,s.ssn
            select 'ssn' as ssn from users where 'x' = 'ssn'                     |
            begin                                                                |
            """)
    void columnsAreFoundWhereTheyTakeEffect(String sql, String expected) {
        StatementShape shape = ((Understood) SharedAnalyzer.INSTANCE.analyzeNow(sql))
                .statements()
                .getFirst();
        Map<String, List<String>> columns = new LinkedHashMap<>();
        List<String> all = new java.util.ArrayList<>();
        if (expected != null) {
            for (String clause : expected.split(" ")) {
                String[] parts = clause.split("=");
                List<String> names = Arrays.asList(parts[1].split(","));
                columns.put(parts[0], names);
                names.stream().filter(n -> !all.contains(n)).forEach(all::add);
            }
        }
        columns.putIfAbsent("all", all);
        Map<String, List<String>> expectedColumns = ColumnUse.of(columns);

        assertThat(shape.columns().keySet()).containsExactlyElementsOf(ColumnUse.CLAUSES);
        for (String clause : ColumnUse.CLAUSES) {
            assertThat(shape.columns().get(clause))
                    .as(clause)
                    .containsExactlyInAnyOrderElementsOf(expectedColumns.get(clause));
        }
    }
}
