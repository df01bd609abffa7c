package io.vigil.review.usage;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class GrantUsageMatrixTest {

    private static final OffsetDateTime T = OffsetDateTime.parse("2026-11-20T10:00:00Z");

    static Stream<Arguments> cells() {
        return Stream.of(
                // what the catalog grants, what the trail saw, the cell, what it should say
                row(
                        "held and used",
                        table("public.orders", "SELECT"),
                        use("orders", "select"),
                        "public.orders SELECT",
                        "used"),
                row("held, never used", table("public.orders", "DELETE"), none(), "public.orders DELETE", "unused"),
                row(
                        "used without the privilege",
                        none(),
                        use("payments", "select"),
                        "public.payments SELECT",
                        "used without grant"),
                row(
                        "a merge uses insert",
                        table("public.orders", "INSERT"),
                        use("orders", "merge"),
                        "public.orders INSERT",
                        "used"),
                row(
                        "a merge uses update",
                        table("public.orders", "UPDATE"),
                        use("orders", "merge"),
                        "public.orders UPDATE",
                        "used"),
                row(
                        "a merge uses delete",
                        table("public.orders", "DELETE"),
                        use("orders", "merge"),
                        "public.orders DELETE",
                        "used"),
                row(
                        "an update does not use delete",
                        table("public.orders", "DELETE"),
                        use("orders", "update"),
                        "public.orders DELETE",
                        "unused"),
                row(
                        "ddl uses ownership",
                        table("public.orders", "OWNER"),
                        use("orders", "ddl"),
                        "public.orders OWNER",
                        "used"),
                row(
                        "a read does not use ownership",
                        table("public.orders", "OWNER"),
                        use("orders", "select"),
                        "public.orders OWNER",
                        "unused"),
                row(
                        "qualified names match exactly",
                        table("shop.orders", "SELECT"),
                        use("shop.orders", "select"),
                        "shop.orders SELECT",
                        "used"),
                row(
                        "an unqualified name finds the only schema holding it",
                        table("shop.orders", "SELECT"),
                        use("orders", "select"),
                        "shop.orders SELECT",
                        "used"),
                row(
                        "another schema's table is another table",
                        table("shop.orders", "SELECT"),
                        use("archive.orders", "select"),
                        "shop.orders SELECT",
                        "unused"),
                row(
                        "neither held nor used",
                        table("public.orders", "SELECT"),
                        none(),
                        "public.orders TRUNCATE",
                        "not held"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cells")
    void eachCellSaysWhetherThePrivilegeIsHeldAndUsed(
            String what, List<Grant> grants, List<RelationUsage> usage, String cell, String expected) {
        String[] relationAndPrivilege = cell.split(" ");
        GrantUsageMatrix.Cell c = GrantUsageMatrix.of(grants, usage)
                .byRelation()
                .get(relationAndPrivilege[0])
                .cell(relationAndPrivilege[1]);
        String says = c.held() ? (c.used() ? "used" : "unused") : (c.used() ? "used without grant" : "not held");
        assertThat(says).isEqualTo(expected);
    }

    @Test
    void unusedWritesNameHeldWriteAndDdlPrivilegesNoStatementUsed() {
        GrantUsageMatrix matrix = GrantUsageMatrix.of(
                List.of(
                        new Grant("table", "public.payments", "SELECT", "direct"),
                        new Grant("table", "public.payments", "INSERT", "direct"),
                        new Grant("table", "public.payments", "DELETE", "direct"),
                        new Grant("table", "public.orders", "OWNER", "owner"),
                        new Grant("column", "public.customers.email", "SELECT", "direct"),
                        new Grant("membership", "reporting", "MEMBER", "direct")),
                List.of(new RelationUsage("payments", "insert", 3, 3, 0, 0, T)));
        assertThat(matrix.unusedWrites()).containsExactly("public.orders OWNER", "public.payments DELETE");
        assertThat(matrix.byRelation().keySet())
                .as("column and membership grants are listed elsewhere")
                .isEqualTo(Set.of("public.orders", "public.payments"));
        assertThat(matrix.byRelation().get("public.payments").cell("INSERT").lastUsed())
                .isEqualTo(T);
    }

    /** The matrix: catalogs as "used, not held", a table that does not exist, among the agent's tables. */
    @Test
    void catalogsAndRelationsThatDidNotExistAreKeptApartFromTheAgentsTables() {
        GrantUsageMatrix matrix = GrantUsageMatrix.of(
                table("public.orders", "SELECT"),
                List.of(
                        new RelationUsage("public.orders", "select", 4, 4, 0, 0, T),
                        new RelationUsage("pg_catalog.pg_authid", "select", 1, 0, 1, 0, T),
                        new RelationUsage("pg_catalog.pg_stat_activity", "select", 2, 9, 0, 0, T),
                        new RelationUsage("information_schema.tables", "select", 1, 3, 0, 0, T),
                        new RelationUsage("?nosuch", "select", 1, 0, 1, 0, T),
                        new RelationUsage("?archive.orders", "delete", 1, 0, 1, 0, T),
                        new RelationUsage("shop.\"Order Lines\"", "select", 1, 1, 0, 0, T),
                        // recorded before the gateway resolved names
                        new RelationUsage("pg_class", "select", 1, 1, 0, 0, T)));
        assertThat(matrix.byRelation().keySet()).containsExactly("public.orders", "shop.Order Lines");
        assertThat(matrix.catalogReads())
                .containsExactly(
                        "information_schema.tables",
                        "pg_catalog.pg_authid",
                        "pg_catalog.pg_class",
                        "pg_catalog.pg_stat_activity");
        assertThat(matrix.missing()).containsExactly("archive.orders", "nosuch");
    }

    private static Arguments row(String what, List<Grant> grants, List<RelationUsage> usage, String cell, String says) {
        return Arguments.of(what, grants, usage, cell, says);
    }

    private static List<Grant> table(String relation, String privilege) {
        return List.of(new Grant("table", relation, privilege, "direct"));
    }

    private static List<RelationUsage> use(String relation, String operation) {
        return List.of(new RelationUsage(relation, operation, 1, 1, 0, 0, T));
    }

    private static <T> List<T> none() {
        return List.of();
    }
}
