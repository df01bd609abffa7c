package io.vigil.proxy.sql;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.proxy.protocol.backend.DataRow;
import io.vigil.proxy.sql.SqlAnalysis.Understood;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Relation names resolved as PostgreSQL resolves them, from tables: statements parsed by the real
 * parser, run in order through one session against a catalog of
 * {@code public.orders, public.customers, shop.orders, shop."Order Lines", app.settings} (schema
 * {@code locked} exists but may not be used), role {@code app}, search_path {@code "$user", public}.
 */
class SessionRelationsTest {

    private static final SqlAnalyzer analyzer = SharedAnalyzer.INSTANCE;

    private static RelationCatalog catalog() {
        return RelationCatalog.builder()
                .schema("pg_catalog", true)
                .schema("information_schema", true)
                .schema("public", true)
                .schema("shop", true)
                .schema("app", true)
                .schema("locked", false)
                .relation("pg_catalog", "pg_authid")
                .relation("pg_catalog", "pg_stat_activity")
                .relation("pg_catalog", "pg_class")
                .relation("information_schema", "tables")
                .relation("public", "orders")
                .relation("public", "customers")
                .relation("public", "pg_class")
                .relation("shop", "orders")
                .relation("shop", "Order Lines")
                .relation("app", "settings")
                .relation("locked", "vault")
                .build();
    }

    private static SessionRelations session() {
        return new SessionRelations("shopdb", "app", catalog(), List.of("$user", "public"));
    }

    /** Each statement's resolved reads and writes, in order, "reads / writes" joined by commas. */
    private static List<String> run(SessionRelations session, String... statements) {
        List<String> resolved = new ArrayList<>();
        for (String sql : statements) {
            // as the tracker runs a simple query
            List<StatementShape> shapes = ((Understood) analyzer.analyzeNow(sql)).statements();
            session.queryStarts(shapes.size());
            for (StatementShape shape : shapes) {
                StatementShape r = session.resolve(shape);
                resolved.add((String.join(",", r.reads()) + " / " + String.join(",", r.writes())).strip());
                session.ran(r);
            }
            session.queryEnds();
        }
        return resolved;
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            # statement                                                 | reads / writes
            select * from orders                                        | public.orders /
            select * from pg_authid                                     | pg_catalog.pg_authid /
            select * from public.pg_stat_activity                       | public.pg_stat_activity /
            select * from pg_stat_activity                              | pg_catalog.pg_stat_activity /
            select * from pg_class                                      | pg_catalog.pg_class /
            select * from public.pg_class                               | public.pg_class /
            select * from settings                                      | app.settings /
            select * from shop.orders                                   | shop.orders /
            select * from shop."Order Lines"                            | `shop."Order Lines" /`
            select * from shopdb.shop.orders                            | shop.orders /
            select * from otherdb.shop.orders                           | ?otherdb.shop.orders /
            select * from nosuch                                        | nosuch /
            select * from locked.vault                                  | locked.vault /
            select * from information_schema.tables                     | information_schema.tables /
            insert into customers select * from shop.orders             | shop.orders / public.customers
            with c as (select * from customers) select * from c         | public.customers /
            create table staging (id int)                               |  / app.staging
            create table orders (id int)                                |  / app.orders
            create temp table scratch (id int)                          |  / pg_temp.scratch
            create table shop.new_one (id int)                          |  / shop.new_one
            drop table orders                                           |  / public.orders
            """)
    void resolvesOneStatementAsPostgresqlWould(String sql, String expected) {
        assertThat(run(session(), sql)).containsExactly(expected.strip());
    }

    @Test
    void setSearchPathChangesWhereLaterStatementsLook() {
        SessionRelations session = session();
        assertThat(run(
                        session,
                        "set search_path to shop, public",
                        "select * from orders",
                        "set search_path to default",
                        "select * from orders",
                        "select set_config('search_path', 'shop', false)",
                        "select * from orders",
                        "reset search_path",
                        "select * from orders"))
                .containsExactly(
                        "/", "shop.orders /", "/", "public.orders /", "/", "shop.orders /", "/", "public.orders /");
    }

    @Test
    void withinOneQueryEachStatementSeesTheOnesBefore() {
        assertThat(run(session(), "set local search_path = shop; select * from orders; select * from settings"))
                .containsExactly("/", "shop.orders /", "settings /");
        assertThat(run(session(), "create table fresh (id int); insert into fresh values (1); select * from fresh"))
                .containsExactly("/ app.fresh", "/ app.fresh", "app.fresh /");
        assertThat(run(session(), "drop table shop.orders; select * from shop.orders"))
                .containsExactly("/ shop.orders", "?shop.orders /");
    }

    @Test
    void aTransactionsSetsEndWithIt() {
        assertThat(run(session(), "begin; set local search_path to shop; commit; select * from orders"))
                .containsExactly("/", "/", "/", "public.orders /");
        assertThat(run(session(), "begin", "set search_path to shop", "rollback", "select * from orders"))
                .containsExactly("/", "/", "/", "public.orders /");
        assertThat(run(session(), "begin", "set search_path to shop", "commit", "select * from orders"))
                .containsExactly("/", "/", "/", "shop.orders /");
        assertThat(run(session(), "set local search_path to shop", "select * from orders"))
                .as("SET LOCAL outside a transaction does nothing")
                .containsExactly("/", "public.orders /");
        assertThat(run(session(), "set local search_path to shop; select * from orders", "select * from orders"))
                .as("a query of several statements is a transaction of its own")
                .containsExactly("/", "shop.orders /", "public.orders /");
    }

    /** A BEGIN inside a transaction only warns: the SET LOCAL still ends at the COMMIT (found in review). */
    @Test
    void aRepeatedStatementFollowsThePathBackAfterANestedBegin() {
        assertThat(run(
                        session(),
                        "begin",
                        "set local search_path = shop",
                        "select * from orders",
                        "begin",
                        "commit",
                        "select * from orders"))
                .containsExactly("/", "/", "shop.orders /", "/", "/", "public.orders /");
    }

    @Test
    void aTransactionThatChangesNothingCostsNoLookup() {
        SessionRelations session = session();
        run(session, "begin", "select * from orders", "commit");
        assertThat(session.lookup(shapes("select * from orders"))).isNull();
        run(session, "begin", "create table t1 (id int)", "rollback");
        assertThat(session.lookup(shapes("select * from orders")))
                .as("a rolled-back CREATE is checked")
                .isNotNull();
    }

    @Test
    void relationsDiscardedOrRenamedAwayAreNotClaimed() {
        assertThat(run(session(), "create temp table orders (id int)", "discard temp", "select * from orders"))
                .containsExactly("/ pg_temp.orders", "/", "public.orders /");
        assertThat(run(session(), "alter table customers rename to clients", "select * from customers"))
                .containsExactly("/ public.customers", "customers /");
    }

    @Test
    void aPathOnlyTheServerKnowsLeavesUnqualifiedNamesAsWritten() {
        assertThat(run(
                        session(),
                        "select set_config('search_path', 'sh' || 'op', false)",
                        "select * from orders, shop.orders"))
                .containsExactly("/", "orders,shop.orders /");
    }

    @Test
    void aTemporaryTableHidesAPermanentOneOfTheSameName() {
        assertThat(run(
                        session(),
                        "create temp table orders (id int)",
                        "select * from orders",
                        "select * from public.orders"))
                .containsExactly("/ pg_temp.orders", "pg_temp.orders /", "public.orders /");
    }

    @Test
    void pgCatalogPlacedInThePathIsSearchedThere() {
        assertThat(run(session(), "set search_path = public, pg_catalog", "select * from pg_class"))
                .containsExactly("/", "public.pg_class /");
    }

    @Test
    void anIncompleteCatalogLeavesUnknownNamesAsWritten() {
        SessionRelations session =
                new SessionRelations("shopdb", "app", RelationCatalog.unknown(), List.of("$user", "public"));
        assertThat(run(session, "select * from orders")).containsExactly("orders /");
    }

    @Test
    void asksTheTargetOnlyWhenThePathMayHaveChangedOrANameIsUnknown() {
        SessionRelations session = session();
        assertThat(session.lookup(shapes("select * from orders"))).isNull();
        assertThat(session.lookup(shapes("select * from made_by_someone_else, orders"))
                        .asked())
                .as("once it asks, it asks about every unqualified name: what it believes is checked")
                .containsExactly("made_by_someone_else", "orders");
        assertThat(session.lookup(shapes("select * from otherdb.s.t"))).isNull();
        // to_regclass raises an error for a schema the role may not use
        assertThat(session.lookup(shapes("select * from locked.other"))).isNull();
        assertThat(session.lookup(shapes("create table brand_new (id int); select * from brand_new")))
                .isNull();
        run(session, "call refresh_everything()");
        assertThat(session.lookup(shapes("select * from orders"))).isNotNull();
    }

    @Test
    void theTargetsAnswerReplacesWhatWasBelieved() {
        SessionRelations session = session();
        run(session, "do $$ begin perform set_config('search_path', 'shop', false); end $$");
        SessionRelations.Lookup lookup = session.lookup(shapes("select * from made_since"));
        assertThat(lookup.query()).contains("pg_catalog.to_regclass(u.name)").contains("'made_since'");
        lookup.row(new DataRow(Arrays.asList("1", "2", "shop", null)));
        lookup.row(new DataRow(Arrays.asList("1", "1", "pg_catalog", null)));
        lookup.row(new DataRow(Arrays.asList("2", "0", "shop", null)));
        lookup.row(new DataRow(Arrays.asList("3", "1", "shop", "made_since")));
        lookup.answered(true);
        assertThat(session.path()).containsExactly("pg_catalog", "shop");
        assertThat(run(session, "select * from made_since, orders")).containsExactly("shop.made_since,shop.orders /");
        assertThat(session.lookup(shapes("select * from orders"))).isNull();
    }

    @Test
    void namesReadBackAsThePartsTheyWere() {
        for (List<String> parts : List.of(
                List.of("public", "orders"),
                List.of("Shop", "Order Lines"),
                List.of("a.b", "c\"d"),
                List.of("x"),
                List.of("db", "s", "t"))) {
            assertThat(RelationName.parts(RelationName.render(parts))).isEqualTo(parts);
        }
        assertThat(RelationName.render(List.of("Shop", "a.b"))).isEqualTo("\"Shop\".\"a.b\"");
        assertThat(RelationName.parts("?public.orders")).isNull();
        assertThat(RelationName.catalog("pg_catalog.pg_authid")).isTrue();
        assertThat(RelationName.catalog("public.pg_authid")).isFalse();
    }

    @Test
    void searchPathSettingsSplitAsPostgresqlSplitsThem() {
        assertThat(SearchPath.split("\"$user\", public")).containsExactly("$user", "public");
        assertThat(SearchPath.split("Shop,  \"My Schema\" ,x")).containsExactly("shop", "My Schema", "x");
        assertThat(SearchPath.split("\"a\"\"b\"")).containsExactly("a\"b");
        assertThat(SearchPath.split("")).isEmpty();
        assertThat(SearchPath.split("a,,b")).isNull();
        assertThat(SearchPath.split("\"open")).isNull();
        assertThat(SearchPath.split("ÄRZTE, public")).as("only A to Z fold").containsExactly("Ärzte", "public");
        assertThat(SearchPath.split("\"\""))
                .as("what SET search_path = '' stores")
                .containsExactly("");
        assertThat(SearchPath.split("x".repeat(70))).containsExactly("x".repeat(63));
        assertThat(SearchPath.split("é".repeat(40)).getFirst()).isEqualTo("é".repeat(31));
    }

    private static List<StatementShape> shapes(String sql) {
        return ((Understood) analyzer.analyzeNow(sql)).statements();
    }
}
