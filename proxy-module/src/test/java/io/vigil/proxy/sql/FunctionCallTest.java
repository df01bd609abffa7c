package io.vigil.proxy.sql;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.proxy.sql.SqlAnalysis.Understood;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What a statement's function calls are, resolved against the target's catalog on the session's
 * path: the server's own functions are nothing; a user function that is VOLATILE or SECURITY
 * DEFINER is; an overloaded name counts as its worst overload; a name the catalog does not know as
 * the worst it could be.
 */
class FunctionCallTest {

    static final RelationCatalog CATALOG = RelationCatalog.builder()
            .schema("pg_catalog", true)
            .schema("public", true)
            .schema("billing", true)
            .relation("public", "orders")
            .function("pg_catalog", "lower", false, false, "internal", false)
            .function("pg_catalog", "now", false, false, "internal", false)
            .function("pg_catalog", "random", true, false, "internal", false)
            .function("pg_catalog", "count", false, false, "internal", false)
            .function("public", "purge", true, false, "plpgsql", true)
            .function("public", "price_of", false, false, "sql", true)
            .function("public", "as_admin", false, true, "sql", false)
            // CVE-2018-1058's pattern: a better match for varchar than pg_catalog.lower(text)
            .function("public", "lower", true, false, "sql", true)
            .function("billing", "settle", true, false, "plpgsql", false)
            // CREATE OPERATOR <~> (function = a volatile plpgsql function)
            .function("public", "operator <~>", true, false, "plpgsql", true)
            .build();

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            select now(), count(*) from orders            | -
            select random()                               | -
            select pg_catalog.lower('X')                  | -
            select price_of(1)                            | -
            select purge()                                | calls_volatile_function
            select 1 from orders where purge() is null    | calls_volatile_function
            select lower('X'::varchar)                    | calls_volatile_function
            select public.purge()                         | calls_volatile_function
            select as_admin()                             | calls_security_definer
            select settle()                               | calls_security_definer,calls_volatile_function
            select billing.settle()                       | calls_volatile_function
            select made_just_now()                        | calls_security_definer,calls_volatile_function
            select other_db.public.purge()                | calls_volatile_function
            create function w() returns int stable language sql as 'select 1 from purge()' | calls_volatile_function
            `create function w() returns int stable language plpgsql as $$ begin return price_of(1); end $$` | -
            do $$ begin perform as_admin(); end $$        | calls_security_definer
            select o.purge from orders o                  | calls_volatile_function
            select (o).purge from orders o                | calls_volatile_function
            select o.id, o.total from orders o            | -
            select o.lower from orders o                  | calls_volatile_function
            select 1 <~> 2                                | calls_volatile_function
            select 1 operator(public.<~>) 2               | calls_volatile_function
            select 1 + 2 where 3 > 1                      | -
            select 1 where 1 <~> any(array[2])            | calls_volatile_function
            `create function w2() returns int stable language sql as 'select o.purge from orders o'` | calls_volatile_function
            `do $$ begin perform 1 <~> 2; end $$`         | calls_volatile_function
            select * from orders where id = any(array[1]) | -
            """)
    void aCallIsWhatItResolvesTo(String sql, String expected) {
        SessionRelations relations = new SessionRelations("shop", "agent", CATALOG, List.of("$user", "public"));
        StatementShape shape = relations.resolve(((Understood) SharedAnalyzer.INSTANCE.analyzeNow(sql))
                .statements()
                .getFirst());
        Set<String> calls = shape.traits().stream()
                .map(Trait::label)
                .filter(t -> t.startsWith("calls_"))
                .collect(Collectors.toCollection(java.util.TreeSet::new));
        assertThat(calls.isEmpty() ? "-" : String.join(",", calls)).isEqualTo(expected.toLowerCase(Locale.ROOT));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            create or replace function price_of(int) returns int language sql as 'select 1'    | false
            create or replace function as_admin() returns int language sql as 'select 1'      | true
            create or replace function public.as_admin() returns int language sql as 'select 1' | true
            create or replace function billing.settle() returns int language sql as 'select 1' | true
            create or replace function brand_new() returns int language sql as 'select 1'     | true
            create or replace procedure settle() language sql as 'select 1'                   | true
            create function as_admin(int) returns int language sql as 'select 1'               | false
            `do $$ begin execute 'create or replace function as_admin() returns int language sql as ''select 1'''; end $$` | true
            """)
    void replacingAFunctionAnotherRoleOwnsIsSeen(String sql, boolean replacesUnowned) {
        SessionRelations relations = new SessionRelations("shop", "agent", CATALOG, List.of("$user", "public"));
        StatementShape shape = relations.resolve(((Understood) SharedAnalyzer.INSTANCE.analyzeNow(sql))
                .statements()
                .getFirst());
        assertThat(shape.traits().contains(Trait.REPLACES_UNOWNED_FUNCTION)).isEqualTo(replacesUnowned);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            select purge()                 | purge public true true plpgsql false true
            select as_admin()              | as_admin public true false sql true false
            select made_just_now()         | made_just_now '' false true '' true false
            select billing.settle()        | billing.settle billing true true plpgsql false false
            """)
    void aCallIsAFactWithWhatTheCatalogSaysOfIt(String sql, String expected) {
        SessionRelations relations = new SessionRelations("shop", "agent", CATALOG, List.of("$user", "public"));
        StatementShape shape = relations.resolve(((Understood) SharedAnalyzer.INSTANCE.analyzeNow(sql))
                .statements()
                .getFirst());
        ResolvedCall call = shape.calls().getFirst();
        assertThat(String.join(
                        " ",
                        call.name(),
                        call.schema().isEmpty() ? "''" : call.schema(),
                        String.valueOf(call.known()),
                        String.valueOf(call.isVolatile()),
                        call.language().isEmpty() ? "''" : call.language(),
                        String.valueOf(call.securityDefiner()),
                        String.valueOf(call.owned())))
                .isEqualTo(expected);
    }

    @org.junit.jupiter.api.Test
    void aFunctionTheSessionMadeIsItsToReplaceOnceTheTargetSaysItWasMade() {
        SessionRelations relations = new SessionRelations("shop", "agent", CATALOG, List.of("$user", "public"));
        java.util.function.Function<String, StatementShape> resolve =
                sql -> relations.resolve(((Understood) SharedAnalyzer.INSTANCE.analyzeNow(sql))
                        .statements()
                        .getFirst());
        String create = "create function helper() returns int language sql as 'select 1'";
        String replace = "create or replace function helper() returns int language sql as 'select 2'";

        StatementShape made = resolve.apply(create);
        relations.ran(made);
        assertThat(resolve.apply(replace).traits()).as("not yet made").contains(Trait.REPLACES_UNOWNED_FUNCTION);
        relations.made(made.defines());
        assertThat(resolve.apply(replace).traits()).doesNotContain(Trait.REPLACES_UNOWNED_FUNCTION);
        assertThat(resolve.apply("create or replace function as_admin() returns int language sql as 'select 1'")
                        .traits())
                .contains(Trait.REPLACES_UNOWNED_FUNCTION);
    }

    @org.junit.jupiter.api.Test
    void aPreparedCallIsResolvedAgainOnceTheSessionChangesAFunction() {
        SessionRelations relations = new SessionRelations("shop", "agent", CATALOG, List.of("$user", "public"));
        long before = relations.version();
        relations.ran(((Understood) SharedAnalyzer.INSTANCE.analyzeNow(
                        "create or replace function price_of(int) returns int volatile language sql as 'select 1'"))
                .statements()
                .getFirst());
        assertThat(relations.version()).isNotEqualTo(before);
    }
}
