package io.vigil.proxy.sql;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * The columns a statement names, and where: what a policy rule reads as {@code columns.where},
 * {@code columns.output} and so on. Columns are as written, qualified as written ({@code u.ssn},
 * {@code ssn}, {@code *}, {@code u.*}); every clause is always present, empty if nothing is named
 * there, and {@code all} holds every column named anywhere.
 *
 * <p>A column counts where it takes effect in the outermost statement: one in a subquery of a WHERE
 * filters ({@code where}), one in a scalar subquery of the select list is returned ({@code output}).
 * Subqueries in FROM and CTEs pass their own clauses through: they are the outer query's source.
 */
public final class ColumnUse {

    /** The clauses, in the order a rule author reads them. */
    public static final List<String> CLAUSES =
            List.of("all", "output", "where", "join", "group", "having", "order", "set", "insert", "returning");

    /** A statement that names no column. */
    public static final Map<String, List<String>> NONE = of(Map.of());

    private static final String TRANSPARENT = "";

    private final Map<String, Set<String>> found = new LinkedHashMap<>();

    private ColumnUse() {}

    /** @param statement the single-key object under {@code stmts[i].stmt} */
    static Map<String, List<String>> of(JsonNode statement) {
        ColumnUse walk = new ColumnUse();
        walk.value(statement, TRANSPARENT);
        Map<String, List<String>> columns = new LinkedHashMap<>();
        walk.found.forEach((clause, names) -> columns.put(clause, List.copyOf(names)));
        return of(columns);
    }

    /** Every clause, those not in {@code columns} empty. */
    public static Map<String, List<String>> of(Map<String, List<String>> columns) {
        Map<String, List<String>> all = new LinkedHashMap<>();
        for (String clause : CLAUSES) {
            all.put(clause, List.copyOf(columns.getOrDefault(clause, List.of())));
        }
        return java.util.Collections.unmodifiableMap(all);
    }

    private void value(JsonNode value, String clause) {
        if (value.isArray()) {
            for (JsonNode element : value) {
                value(element, clause);
            }
        } else if (value.isObject()) {
            for (Map.Entry<String, JsonNode> field : value.properties()) {
                String key = field.getKey();
                JsonNode inner = field.getValue();
                switch (key) {
                    case "ColumnRef" -> add(clause, name(inner.path("fields")));
                    case "UpdateStmt", "InsertStmt", "MergeWhenClause" -> targets(key, inner, clause);
                    case "JoinExpr" -> joinUsing(inner, clause);
                    default -> value(inner, clause.isEmpty() ? clauseOf(key) : clause);
                }
            }
        }
    }

    /** {@code JOIN ... USING (id)} names its columns bare. */
    private void joinUsing(JsonNode join, String clause) {
        for (JsonNode column : join.path("usingClause")) {
            if (column.path("String").path("sval").isString()) {
                add(
                        clause.isEmpty() ? "join" : clause,
                        column.path("String").path("sval").stringValue());
            }
        }
        value(join, clause);
    }

    /** The columns an UPDATE or MERGE sets and an INSERT fills are named bare in its target list. */
    private void targets(String type, JsonNode body, String clause) {
        String list = type.equals("InsertStmt") ? "cols" : "targetList";
        String where = clause.isEmpty() ? (type.equals("InsertStmt") ? "insert" : "set") : clause;
        for (JsonNode target : body.path(list)) {
            JsonNode res = target.path("ResTarget");
            if (res.path("name").isString()) {
                add(where, res.get("name").stringValue());
            }
            value(res.path("val"), where);
        }
        for (Map.Entry<String, JsonNode> field : body.properties()) {
            if (!field.getKey().equals(list)) {
                value(field.getValue(), clause.isEmpty() ? clauseOf(field.getKey()) : clause);
            }
        }
    }

    /** The clause a field of a statement or join is, {@code ""} where the field passes clauses through. */
    private static String clauseOf(String field) {
        return switch (field) {
            case "targetList" -> "output";
            case "whereClause" -> "where";
            case "quals", "joinCondition" -> "join";
            case "groupClause" -> "group";
            case "havingClause" -> "having";
            case "sortClause" -> "order";
            case "returningList" -> "returning";
            case "mergeWhenClauses" -> "set";
            default -> TRANSPARENT;
        };
    }

    private void add(String clause, String column) {
        if (column.isEmpty()) {
            return;
        }
        found.computeIfAbsent("all", c -> new LinkedHashSet<>()).add(column);
        if (!clause.isEmpty()) {
            found.computeIfAbsent(clause, c -> new LinkedHashSet<>()).add(column);
        }
    }

    private static String name(JsonNode fields) {
        List<String> parts = new ArrayList<>(3);
        for (JsonNode field : fields) {
            if (field.has("A_Star")) {
                parts.add("*");
            } else if (field.path("String").path("sval").isString()) {
                parts.add(field.path("String").path("sval").stringValue());
            }
        }
        return String.join(".", parts);
    }
}
