package io.vigil.proxy.sql;

import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import tools.jackson.databind.JsonNode;

/**
 * What the code inside a DO block or a function body does: a DO runs it now, a function whenever
 * it is called (by anyone), so both are judged by it. SQL-language bodies are parsed as SQL;
 * PL/pgSQL bodies with PL/pgSQL's own parser (libpg_query's {@code pg_query_parse_plpgsql}), every
 * SQL text in them parsed in turn. EXECUTE of a constant string is judged as that string; of anything
 * computed, it is {@link Trait#DYNAMIC_SQL}. Code Vigil cannot read (another language, a body that
 * does not parse, nesting beyond {@link #MAX_DEPTH}) is {@link Trait#DYNAMIC_SQL} too: it fails
 * closed.
 */
final class BodyClassifier {

    /** DO inside EXECUTE inside DO ...: deeper than this is not read. */
    static final int MAX_DEPTH = 4;

    /** PL/pgSQL statements whose {@code query} is a string to run, not SQL. */
    private static final Set<String> DYNAMIC = Set.of("PLpgSQL_stmt_dynexecute", "PLpgSQL_stmt_dynfors");

    /**
     * What the body shows.
     *
     * @param traits its statements' traits, and {@link Trait#DYNAMIC_SQL} for what cannot be judged
     * @param settings the session settings its statements change
     * @param functions the functions its statements call, as written: resolved against the
     *     catalog with the statement that carries the body
     */
    record Body(
            Set<Trait> traits,
            List<String> settings,
            List<String> functions,
            List<DefinedFunction> defines,
            List<String> operators,
            List<String> columns) {}

    private final Function<String, JsonNode> parseSql;
    private final Function<String, JsonNode> parsePlpgsql;
    private final Set<Trait> traits = EnumSet.noneOf(Trait.class);
    private final Set<String> settings = new LinkedHashSet<>();
    private final Set<String> functions = new LinkedHashSet<>();
    private final Set<DefinedFunction> defines = new LinkedHashSet<>();
    private final Set<String> operators = new LinkedHashSet<>();
    /** Every column its statements name (with attribute-notation calls among them). */
    private final Set<String> columns = new LinkedHashSet<>();

    /**
     * @param parseSql a text's parse tree ({@code {"stmts": [...]}}), null if it does not parse
     * @param parsePlpgsql a CREATE FUNCTION statement's PL/pgSQL parse, null if it does not parse
     */
    private BodyClassifier(Function<String, JsonNode> parseSql, Function<String, JsonNode> parsePlpgsql) {
        this.parseSql = parseSql;
        this.parsePlpgsql = parsePlpgsql;
    }

    /**
     * The body of {@code statement} (a DoStmt or CreateFunctionStmt, the single-key object), null
     * for other statements or a function without one (BEGIN ATOMIC bodies are in the tree already).
     */
    static Body classify(
            JsonNode statement,
            String source,
            Function<String, JsonNode> parseSql,
            Function<String, JsonNode> parsePlpgsql) {
        String command = statement.propertyNames().iterator().next();
        if (!command.equals("DoStmt") && !command.equals("CreateFunctionStmt")) {
            return null;
        }
        BodyClassifier walk = new BodyClassifier(parseSql, parsePlpgsql);
        // A CREATE FUNCTION is parsed as itself, its parameters and result type in place.
        walk.createFunction = command.equals("CreateFunctionStmt") ? source : null;
        if (!walk.code(command, statement.get(command), 0)) {
            return null;
        }
        return new Body(
                Set.copyOf(walk.traits),
                List.copyOf(walk.settings),
                List.copyOf(walk.functions),
                List.copyOf(walk.defines),
                List.copyOf(walk.operators),
                List.copyOf(walk.columns));
    }

    /** @return whether the statement had a body to read */
    private boolean code(String command, JsonNode body, int depth) {
        String language = command.equals("DoStmt") ? "plpgsql" : "sql";
        String code = null;
        JsonNode options = body.path(command.equals("DoStmt") ? "args" : "options");
        for (JsonNode option : options) {
            JsonNode def = option.path("DefElem");
            JsonNode arg = def.path("arg");
            switch (def.path("defname").asString("")) {
                case "language" ->
                    language = arg.path("String").path("sval").asString("").toLowerCase(Locale.ROOT);
                case "as" ->
                    code = arg.has("List")
                            ? arg.path("List")
                                    .path("items")
                                    .path(0)
                                    .path("String")
                                    .path("sval")
                                    .asString(null)
                            : arg.path("String").path("sval").asString(null);
                default -> {}
            }
        }
        if (code == null) {
            return false;
        }
        if (depth > MAX_DEPTH) {
            traits.add(Trait.DYNAMIC_SQL);
            return true;
        }
        switch (language) {
            case "sql" -> sql(code, depth);
            case "plpgsql" -> plpgsql(code, depth);
            // C and internal are UNSAFE_FUNCTION already; any other language is code Vigil cannot read.
            case "c", "internal" -> {}
            default -> traits.add(Trait.DYNAMIC_SQL);
        }
        return true;
    }

    /** SQL text: each of its statements as the gateway would judge it. */
    private void sql(String text, int depth) {
        JsonNode root = parseSql.apply(text);
        if (root == null) {
            traits.add(Trait.DYNAMIC_SQL); // the server may read what Vigil cannot: not judged, not run
            return;
        }
        for (JsonNode raw : root.path("stmts")) {
            JsonNode statement = raw.path("stmt");
            if (!statement.isObject() || statement.isEmpty()) {
                continue;
            }
            TreeClassifier.Facts facts = TreeClassifier.classify(statement);
            traits.addAll(facts.traits());
            settings.addAll(facts.settings());
            functions.addAll(facts.functions());
            defines.addAll(facts.defines());
            operators.addAll(facts.operators());
            columns.addAll(ColumnUse.of(statement).get("all"));
            String command = statement.propertyNames().iterator().next();
            if (command.equals("DoStmt") || command.equals("CreateFunctionStmt")) {
                code(command, statement.get(command), depth + 1);
            }
        }
    }

    /** The top-level CREATE FUNCTION statement's own text, parsed whole; null for DO and nested code. */
    private String createFunction;

    private void plpgsql(String code, int depth) {
        String function = depth == 0 && createFunction != null
                ? createFunction
                : "CREATE FUNCTION vigil_body() RETURNS void LANGUAGE plpgsql AS " + dollarQuoted(code);
        JsonNode functions = parsePlpgsql.apply(function);
        if (functions == null) {
            traits.add(Trait.DYNAMIC_SQL);
            return;
        }
        expressions(functions, null, null, depth);
    }

    /** Every PLpgSQL_expr in the function, with the statement and field it belongs to. */
    private void expressions(JsonNode node, String statement, String field, int depth) {
        if (node.isArray()) {
            for (JsonNode element : node) {
                expressions(element, statement, field, depth);
            }
            return;
        }
        if (!node.isObject()) {
            return;
        }
        for (Map.Entry<String, JsonNode> entry : node.properties()) {
            String key = entry.getKey();
            JsonNode value = entry.getValue();
            if (key.equals("PLpgSQL_expr")) {
                String query = value.path("query").asString("");
                boolean dynamic = field != null
                        && (field.equals("dynquery") || field.equals("query") && DYNAMIC.contains(statement));
                if (dynamic) {
                    dynamic(query, depth);
                } else {
                    expression(query, depth);
                }
            } else if (key.startsWith("PLpgSQL_stmt_")) {
                expressions(value, key, null, depth);
            } else {
                expressions(value, statement, key, depth);
            }
        }
    }

    /** A statement (execsql, PERFORM's SELECT), or an expression the server evaluates as SELECT. */
    private void expression(String query, int depth) {
        if (parseSql.apply(query) != null) {
            sql(query, depth);
            return;
        }
        int assign = query.indexOf(":=");
        String expression = assign >= 0 ? query.substring(assign + 2) : query;
        if (parseSql.apply("SELECT " + expression) != null) {
            sql("SELECT " + expression, depth);
        } else {
            traits.add(Trait.DYNAMIC_SQL);
        }
    }

    /** EXECUTE's string: judged as that SQL if it is a constant, else it cannot be judged. */
    private void dynamic(String expression, int depth) {
        JsonNode root = parseSql.apply("SELECT " + expression);
        JsonNode targets = root == null
                ? null
                : root.path("stmts").path(0).path("stmt").path("SelectStmt").path("targetList");
        JsonNode constant = targets == null || targets.size() != 1
                ? null
                : targets.get(0)
                        .path("ResTarget")
                        .path("val")
                        .path("A_Const")
                        .path("sval")
                        .path("sval");
        if (constant != null && constant.isString() && depth < MAX_DEPTH) {
            sql(constant.stringValue(), depth + 1);
        } else {
            traits.add(Trait.DYNAMIC_SQL);
        }
    }

    /** {@code code} between dollar quotes whose tag it does not contain. */
    static String dollarQuoted(String code) {
        String tag = "$vigil$";
        for (int n = 0; code.contains(tag); n++) {
            tag = "$vigil" + n + "$";
        }
        return tag + code + tag;
    }
}
