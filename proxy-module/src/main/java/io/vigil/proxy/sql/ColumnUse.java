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
 * there, and {@code all} holds every column named anywhere, in the code of a DO block or function
 * body too.
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

    /** {@code columns} with {@code more} in {@code all} too: what the code in a DO block or body names. */
    static Map<String, List<String>> withAll(Map<String, List<String>> columns, List<String> more) {
        if (more.isEmpty()) {
            return columns;
        }
        Map<String, List<String>> merged = new LinkedHashMap<>(columns);
        Set<String> all = new LinkedHashSet<>(columns.get("all"));
        all.addAll(more);
        merged.put("all", List.copyOf(all));
        return of(merged);
    }

    private void value(JsonNode value, String clause) {
        if (value.isArray()) {
            for (JsonNode element : value) {
                value(element, clause);
            }
        } else if (value.isObject()) {
            for (Map.Entry<String, JsonNode> field : value.properties()) {
                field(field.getKey(), field.getValue(), clause);
            }
        }
    }

    /** One field of a node (or a node under its type's name), in {@code clause} if that is set. */
    private void field(String key, JsonNode inner, String clause) {
        switch (key) {
            case "ColumnRef" -> add(clause, name(inner.path("fields")));
            case "A_Indirection" -> indirection(inner, clause);
            case "InsertStmt" -> insert(inner, clause);
            // onConflictClause is a plain struct under its field's name, not a node.
            case "UpdateStmt", "onConflictClause" -> update(inner, clause);
            case "MergeWhenClause" -> mergeAction(inner, clause);
            case "CopyStmt" -> copy(inner, clause);
            case "JoinExpr" -> joinUsing(inner, clause);
            default -> value(inner, clause.isEmpty() ? clauseOf(key) : clause);
        }
    }

    /** A field of a row: {@code (u).ssn}, {@code (u.addr).city}, {@code (u).*}. */
    private void indirection(JsonNode indirection, String clause) {
        JsonNode ref = indirection.path("arg").path("ColumnRef");
        if (ref.isMissingNode()) {
            value(indirection, clause);
            return;
        }
        StringBuilder name = new StringBuilder(name(ref.path("fields")));
        for (JsonNode step : indirection.path("indirection")) {
            if (step.path("String").path("sval").isString()) {
                name.append('.').append(step.path("String").path("sval").stringValue());
            } else if (step.has("A_Star")) {
                name.append(".*");
            }
        }
        add(clause, name.toString());
        value(indirection.path("indirection"), clause); // subscripts are expressions
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

    /** The columns an INSERT fills, named bare; without a list, every column ({@code *}). */
    private void insert(JsonNode insert, String clause) {
        String into = clause.isEmpty() ? "insert" : clause;
        targetNames(insert.path("cols"), into);
        if (insert.path("cols").isEmpty()) {
            add(into, "*");
        }
        fields(insert, Set.of("cols"), clause);
    }

    /** The columns an UPDATE or ON CONFLICT DO UPDATE sets, named bare, and the values it sets them to. */
    private void update(JsonNode update, String clause) {
        targetNames(update.path("targetList"), clause.isEmpty() ? "set" : clause);
        fields(update, Set.of("targetList"), clause);
    }

    /**
     * A MERGE action: its condition filters, an UPDATE sets, an INSERT fills (every column without a
     * list).
     */
    private void mergeAction(JsonNode action, String clause) {
        boolean insert = action.path("commandType").asString("").equals("CMD_INSERT");
        String into = clause.isEmpty() ? (insert ? "insert" : "set") : clause;
        targetNames(action.path("targetList"), into);
        if (insert && action.path("targetList").isEmpty()) {
            add(into, "*");
        }
        value(action.path("values"), into);
        value(action.path("condition"), clause.isEmpty() ? "where" : clause);
    }

    /** COPY's column list (bare names; without one, every column): what it sends out or fills. */
    private void copy(JsonNode copy, String clause) {
        if (copy.has("relation")) {
            String where = clause.isEmpty() ? (copy.path("is_from").asBoolean(false) ? "insert" : "output") : clause;
            for (JsonNode column : copy.path("attlist")) {
                if (column.path("String").path("sval").isString()) {
                    add(where, column.path("String").path("sval").stringValue());
                }
            }
            if (copy.path("attlist").isEmpty()) {
                add(where, "*");
            }
        }
        fields(copy, Set.of("attlist"), clause);
    }

    private void targetNames(JsonNode targets, String clause) {
        for (JsonNode target : targets) {
            JsonNode res = target.path("ResTarget");
            if (res.path("name").isString()) {
                add(clause, res.get("name").stringValue());
            }
            value(res.path("indirection"), clause);
            value(res.path("val"), clause);
        }
    }

    /** The fields of a statement other than {@code handled}, each in its own clause. */
    private void fields(JsonNode body, Set<String> handled, String clause) {
        for (Map.Entry<String, JsonNode> field : body.properties()) {
            if (!handled.contains(field.getKey())) {
                field(field.getKey(), field.getValue(), clause);
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
