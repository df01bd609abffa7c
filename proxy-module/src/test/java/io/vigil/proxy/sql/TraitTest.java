package io.vigil.proxy.sql;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.proxy.sql.SqlAnalysis.Understood;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which UPDATEs and DELETEs narrow the rows they change, from PostgreSQL's parse tree. */
class TraitTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            # statement                                                             | unbounded
            delete from orders                                                      | true
            delete from orders where true                                           | true
            delete from orders where 1 = 1                                          | true
            delete from orders where 'a' = 'a'                                      | true
            delete from orders where $1                                             | true
            delete from orders where id = 4 or true                                 | true
            delete from orders where id = 4 or 1 = 1                                | true
            delete from orders where 't'::boolean                                   | true
            delete from orders o where exists (select 1 from users where active)     | true
            delete from orders using users u where u.active                         | true
            delete from orders where id = 4                                         | false
            delete from orders where id = 4 or 1 = 2                                | false
            delete from orders o where o.customer_id = $1                           | false
            delete from orders where id in (select order_id from refunds)           | false
            delete from orders o where exists (select 1 from u where u.id = o.user_id) | false
            update orders set total = 0                                             | true
            update orders set total = 0 where true                                  | true
            update orders set total = 0 where id = 7                                | false
            with gone as (delete from carts returning *) select count(*) from gone | true
            explain analyze delete from orders                                      | true
            explain delete from orders                                              | false
            prepare purge as delete from orders                                     | true
            select * from orders                                                    | false
            """)
    void anUpdateOrDeleteIsUnboundedUnlessItsWhereNarrowsTheRows(String sql, boolean unbounded) {
        StatementShape shape = ((Understood) SharedAnalyzer.INSTANCE.analyzeNow(sql))
                .statements()
                .getFirst();
        assertThat(shape.traits().contains(Trait.UNBOUNDED_DELETE)
                        || shape.traits().contains(Trait.UNBOUNDED_UPDATE))
                .isEqualTo(unbounded);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            delete from orders where id = 4 or 1 = 2 | delete from orders where id = 4 or 1 = 1 | true
            delete from orders where id = 4 or 1 = 1 | delete from orders where id = 4 or 1 = 2 | false
            """)
    void aShapeWithOtherConstantsIsJudgedOnItsOwn(String first, String second, boolean secondUnbounded) {
        SqlAnalyzer analyzer = new SqlAnalyzer(SqlLimits.defaults());
        analyzer.analyzeNow(first);
        StatementShape shape =
                ((Understood) analyzer.analyzeNow(second)).statements().getFirst();
        assertThat(shape.traits().contains(Trait.UNBOUNDED_DELETE)
                        || shape.traits().contains(Trait.UNBOUNDED_UPDATE))
                .isEqualTo(secondUnbounded);
        analyzer.close();
    }
}
