package io.vigil.proxy.sql;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * Derives kind, relations and functions from one statement's parse tree (libpg_query's JSON for
 * PostgreSQL 15). Pure: the same tree always gives the same answer.
 *
 * <p>The walk is by node type, not by searching for {@code RangeVar}: the targets of INSERT,
 * UPDATE, DELETE, MERGE, COPY FROM and SELECT INTO are bare relation objects without the
 * {@code RangeVar} key, so a generic search would miss exactly the tables being written.
 */
final class TreeClassifier {

    /** Fields that hold the relation a statement changes, by statement type. */
    private static final Map<String, Set<String>> WRITE_TARGETS = Map.ofEntries(
            Map.entry("InsertStmt", Set.of("relation")),
            Map.entry("UpdateStmt", Set.of("relation")),
            Map.entry("DeleteStmt", Set.of("relation")),
            Map.entry("MergeStmt", Set.of("relation")),
            Map.entry("SelectStmt", Set.of("intoClause")),
            Map.entry("CreateTableAsStmt", Set.of("into")),
            Map.entry("CreateStmt", Set.of("relation")),
            Map.entry("AlterTableStmt", Set.of("relation")),
            Map.entry("IndexStmt", Set.of("relation")),
            Map.entry("ViewStmt", Set.of("view")),
            Map.entry("RenameStmt", Set.of("relation")),
            Map.entry("RefreshMatViewStmt", Set.of("relation")),
            Map.entry("TruncateStmt", Set.of("relations")),
            Map.entry("CreateTrigStmt", Set.of("relation")),
            Map.entry("RuleStmt", Set.of("relation")),
            Map.entry("CreatePolicyStmt", Set.of("table")),
            Map.entry("AlterPolicyStmt", Set.of("table")),
            Map.entry("GrantStmt", Set.of("objects")),
            Map.entry("CreateSeqStmt", Set.of("sequence")),
            Map.entry("AlterSeqStmt", Set.of("sequence")));

    /** How a boolean option is turned off (PostgreSQL accepts prefixes of these too, as the parser keeps them). */
    private static final Set<String> OFF = Set.of("off", "of", "false", "fals", "fal", "fa", "f", "no", "n", "0");

    /**
     * Arguments (1-based) that are keys or passwords, by function: pgcrypto's. A connection string
     * needs no entry here: its content gives it away wherever it is (see {@link Redaction}).
     */
    private static final Map<String, Set<Integer>> SECRET_ARGUMENTS = Map.ofEntries(
            Map.entry("pgp_sym_encrypt", Set.of(2)),
            Map.entry("pgp_sym_encrypt_bytea", Set.of(2)),
            Map.entry("pgp_sym_decrypt", Set.of(2)),
            Map.entry("pgp_sym_decrypt_bytea", Set.of(2)),
            Map.entry("pgp_pub_decrypt", Set.of(2, 3)),
            Map.entry("pgp_pub_decrypt_bytea", Set.of(2, 3)),
            Map.entry("encrypt", Set.of(2)),
            Map.entry("decrypt", Set.of(2)),
            Map.entry("encrypt_iv", Set.of(2)),
            Map.entry("decrypt_iv", Set.of(2)),
            Map.entry("hmac", Set.of(2)),
            Map.entry("crypt", Set.of(1)));

    private static final Set<String> DATA_CHANGES = Set.of("InsertStmt", "UpdateStmt", "DeleteStmt", "MergeStmt");

    static final Set<String> PRIVILEGE_COMMANDS = Set.of(
            "GrantStmt",
            "GrantRoleStmt",
            "CreateRoleStmt",
            "AlterRoleStmt",
            "AlterRoleSetStmt",
            "DropRoleStmt",
            "AlterDefaultPrivilegesStmt",
            "ReassignOwnedStmt",
            "DropOwnedStmt",
            "AlterOwnerStmt",
            "CreatePolicyStmt",
            "AlterPolicyStmt",
            "SecLabelStmt",
            "CreateUserMappingStmt",
            "AlterUserMappingStmt",
            "DropUserMappingStmt");

    private static final Set<String> DDL_COMMANDS = Set.of(
            "DefineStmt",
            "IndexStmt",
            "ViewStmt",
            "RenameStmt",
            "CommentStmt",
            "RuleStmt",
            "CompositeTypeStmt",
            "CreateTableAsStmt",
            "ImportForeignSchemaStmt",
            "AlterObjectSchemaStmt",
            "AlterObjectDependsStmt");

    private static final Set<String> DROPPED_RELATION_TYPES = Set.of(
            "OBJECT_TABLE",
            "OBJECT_VIEW",
            "OBJECT_MATVIEW",
            "OBJECT_INDEX",
            "OBJECT_SEQUENCE",
            "OBJECT_FOREIGN_TABLE",
            "OBJECT_SCHEMA");

    /**
     * A statement's derived facts, before its text and fingerprint are attached.
     *
     * @param readConstants whether a constant's value went into them (a setting's new value, an
     *     EXPLAIN option): then they hold for this text only, not for the same shape with other
     *     constants
     */
    record Facts(
            StatementKind kind,
            String command,
            List<String> reads,
            List<String> writes,
            List<String> functions,
            String preparedName,
            String refusal,
            boolean readConstants,
            List<Integer> secretLocations,
            Set<Integer> secretParameters,
            PathChange pathChange,
            List<Integer> argumentLocations,
            Set<Trait> traits,
            List<String> settings,
            List<DefinedFunction> defines,
            List<String> operators) {}

    private final Set<String> reads = new LinkedHashSet<>();
    private final Set<String> writes = new LinkedHashSet<>();
    private final Set<String> functions = new LinkedHashSet<>();
    private final Set<String> cteNames = new LinkedHashSet<>();
    /** Functions a CREATE OR REPLACE names, as written. */
    private final Set<DefinedFunction> defines = new LinkedHashSet<>();
    /** Operators used, as written ({@code <~>}, {@code public.<~>}): a user's operator runs its function. */
    private final Set<String> operators = new LinkedHashSet<>();

    private boolean changesData;
    private String refusal;
    private boolean readConstants;
    /** Where literals that are secrets start (byte offsets in the whole query), and secret $n. */
    private final List<Integer> secretLocations = new ArrayList<>();

    private final Set<Integer> secretParameters = new java.util.TreeSet<>();
    /** What the statement does to the search_path, null if nothing. */
    private PathChange pathChange;

    private final Set<Trait> traits = java.util.EnumSet.noneOf(Trait.class);
    /**
     * set_config calls whose setting is named by the one pg_settings row they read (see {@link
     * #settingFromPgSettings}), by node identity.
     */
    private final Map<JsonNode, String> namedInPgSettings = new java.util.IdentityHashMap<>();

    /** Session settings it changes, lower case; {@code *} for one whose name is computed. */
    private final Set<String> settings = new LinkedHashSet<>();
    /** Where EXECUTE's literal arguments start: secrets if the statement it runs binds them to one. */
    private final List<Integer> argumentLocations = new ArrayList<>();

    private TreeClassifier() {}

    /** @param statement the single-key object under {@code stmts[i].stmt} */
    static Facts classify(JsonNode statement) {
        String command = statement.propertyNames().iterator().next();
        JsonNode body = statement.get(command);
        TreeClassifier walk = new TreeClassifier();
        walk.node(command, body);
        return walk.facts(command, body);
    }

    private Facts facts(String command, JsonNode body) {
        StatementKind kind = kindOf(command, body);
        // Plain EXPLAIN runs nothing; EXPLAIN ANALYZE runs its statement. EXPLAIN EXECUTE evaluates
        // the EXECUTE's arguments even to plan it: what they call counts.
        boolean runs = !command.equals("ExplainStmt")
                || explainAnalyze(body)
                || body.path("query").has("ExecuteStmt");
        if (changesData && runs && kind.max(StatementKind.WRITE) == StatementKind.WRITE) {
            kind = StatementKind.WRITE;
        }
        if (command.equals("DropStmt")) {
            droppedObjects(body);
            if (body.path("removeType").asString("").equals("OBJECT_SCHEMA")) {
                pathChange = PathChange.UNKNOWN;
            }
        }
        reads.removeAll(cteNames);
        List<String> read = new ArrayList<>(reads);
        List<String> written = new ArrayList<>(writes);
        if (!runs) {
            // Plain EXPLAIN runs nothing: whatever the inner statement would change, it only looks.
            read.addAll(written);
            written.clear();
        }
        read.removeAll(written);
        String name = body.path("name").isString() ? body.get("name").stringValue() : null;
        return new Facts(
                kind,
                command,
                read,
                written,
                new ArrayList<>(functions),
                name,
                refusal,
                readConstants,
                List.copyOf(secretLocations),
                Set.copyOf(secretParameters),
                pathChange,
                List.copyOf(argumentLocations),
                runs ? Set.copyOf(traits) : Set.of(),
                runs ? List.copyOf(settings) : List.of(),
                List.copyOf(defines),
                runs ? List.copyOf(operators) : List.of());
    }

    private StatementKind kindOf(String command, JsonNode body) {
        if (PRIVILEGE_COMMANDS.contains(command)) {
            return StatementKind.PRIVILEGE;
        }
        if (DDL_COMMANDS.contains(command)
                || command.startsWith("Create")
                || command.startsWith("Alter")
                || command.startsWith("Drop")) {
            return StatementKind.DDL;
        }
        return switch (command) {
            case "SelectStmt" -> body.has("intoClause") ? StatementKind.DDL : StatementKind.READ;
            case "InsertStmt", "UpdateStmt", "DeleteStmt", "MergeStmt", "TruncateStmt", "RefreshMatViewStmt" ->
                StatementKind.WRITE;
            case "CopyStmt" -> body.path("is_from").asBoolean(false) ? StatementKind.WRITE : StatementKind.READ;
            case "FetchStmt" -> StatementKind.READ;
            case "TransactionStmt" -> StatementKind.TRANSACTION;
            case "VariableSetStmt" -> identityChange(body) ? StatementKind.PRIVILEGE : StatementKind.UTILITY;
            // What EXPLAIN ANALYZE EXECUTE runs is not in its tree: taken as a write, the careful side.
            case "ExplainStmt" ->
                !explainAnalyze(body)
                        ? StatementKind.READ
                        : body.path("query").has("ExecuteStmt") ? StatementKind.WRITE : innerKind(body.get("query"));
            case "DeclareCursorStmt", "PrepareStmt" -> innerKind(body.get("query"));
            // What EXECUTE runs is not in its tree: a write, the careful side, unless the session
            // knows the PREPARE it runs (then it is judged as that; see StatementShape#executedAs).
            case "ExecuteStmt" -> StatementKind.WRITE;
            default -> StatementKind.UTILITY;
        };
    }

    private StatementKind innerKind(JsonNode query) {
        if (query == null || !query.isObject() || query.isEmpty()) {
            return StatementKind.UTILITY;
        }
        Facts inner = classify(query);
        readConstants |= inner.readConstants();
        return inner.kind();
    }

    private static boolean identityChange(JsonNode set) {
        String name = set.path("name").asString("");
        return name.equals("role") || name.equals("session_authorization");
    }

    /** EXPLAIN (ANALYZE 0) runs nothing, EXPLAIN (ANALYZE 1) does: a constant decides. */
    private boolean explainAnalyze(JsonNode explain) {
        for (JsonNode option : explain.path("options")) {
            JsonNode def = option.path("DefElem");
            if (def.path("defname").asString("").equals("analyze")) {
                // EXPLAIN (ANALYZE) has no argument; ANALYZE off/false/no/0 turns it off.
                JsonNode arg = def.path("arg");
                readConstants |= !arg.isMissingNode();
                // libpg_query leaves a zero out of its JSON: {"Integer":{}} is ANALYZE 0.
                String value;
                if (arg.path("String").path("sval").isString()) {
                    value = arg.path("String").path("sval").stringValue();
                } else if (arg.has("Integer")) {
                    value = String.valueOf(arg.path("Integer").path("ival").asInt(0));
                } else {
                    value = "1"; // anything else: as if on, the careful side
                }
                return arg.isMissingNode() || !OFF.contains(value.toLowerCase(Locale.ROOT));
            }
        }
        return false;
    }

    // ---- the walk ----

    /** Visits a node's fields; {@code type} is its node type (e.g. {@code SelectStmt}). */
    private void node(String type, JsonNode body) {
        GuardTraits.of(type, body, traits);
        switch (type) {
            case "FuncCall" -> function(body);
            // Every kind names its operator: IN and DISTINCT use =, LIKE ~~ (BETWEEN names itself,
            // which no operator is).
            case "A_Expr" -> operators.add(dotted(body.path("name")));
            case "CommonTableExpr" -> cteNames.add(body.path("ctename").asString(""));
            case "CreateFunctionStmt" ->
                defines.add(new DefinedFunction(
                        dotted(body.path("funcname")), body.path("replace").asBoolean(false)));
            case "VariableSetStmt" -> {
                checkLexingSetting(body);
                setsPath(body);
                if (!body.path("kind").asString("").equals("VAR_RESET_ALL")) {
                    setting(body.path("name").asString(""));
                }
            }
            // Each may change the search_path in a way only the server knows: a procedure or block
            // that sets it, a schema the path names that now exists or no longer does.
            case "DoStmt", "CallStmt", "CreateSchemaStmt" -> pathChange = PathChange.UNKNOWN;
            case "ExecuteStmt" -> literals(body.path("params"), argumentLocations);
            case "UpdateStmt", "DeleteStmt" -> {
                changesData = true;
                if (!narrows(body.path("whereClause"), body.path("relation"))) {
                    traits.add(type.equals("DeleteStmt") ? Trait.UNBOUNDED_DELETE : Trait.UNBOUNDED_UPDATE);
                }
            }
            case "MergeStmt" -> {
                changesData = true;
                mergeActions(body);
            }
            case "SelectStmt" -> settingFromPgSettings(body);
            case "DiscardStmt" -> {
                String target = body.path("target").asString("");
                if (target.equals("DISCARD_ALL")) {
                    pathChange = PathChange.of(PathChange.Kind.DISCARD_ALL);
                } else if (target.equals("DISCARD_TEMP")) {
                    pathChange = PathChange.of(PathChange.Kind.DISCARD_TEMP);
                }
            }
            case "TransactionStmt" ->
                pathChange = transactionChange(body.path("kind").asString(""));
            case "RenameStmt", "GrantStmt" -> {
                String objectType = body.path(type.equals("RenameStmt") ? "renameType" : "objtype")
                        .asString("");
                if (objectType.equals("OBJECT_SCHEMA")) {
                    pathChange = PathChange.UNKNOWN;
                }
            }
            case "AlterRoleStmt" -> refusePasswordChange(body);
            // Kept for the role's or database's next sessions: a lexing setting there would make them
            // read SQL otherwise than Vigil does.
            case "AlterRoleSetStmt", "AlterDatabaseSetStmt" -> checkLexingSetting(body.path("setstmt"));
            default -> {
                if (DATA_CHANGES.contains(type)) {
                    changesData = true;
                }
            }
        }
        Set<String> targets = WRITE_TARGETS.getOrDefault(type, Set.of());
        if (type.equals("CopyStmt") && body.path("is_from").asBoolean(false)) {
            targets = Set.of("relation");
        }
        for (Map.Entry<String, JsonNode> field : body.properties()) {
            value(field.getValue(), targets.contains(field.getKey()));
        }
    }

    private void value(JsonNode value, boolean written) {
        if (value.isArray()) {
            for (JsonNode element : value) {
                value(element, written);
            }
        } else if (value.isObject()) {
            object(value, written);
        }
    }

    /** A node wrapper ({@code {"RangeVar": {...}}}), a bare relation, or a plain struct. */
    private void object(JsonNode object, boolean written) {
        if (object.has("relname")) {
            relation(object, written);
            return;
        }
        if (object.size() == 1) {
            String key = object.propertyNames().iterator().next();
            if (Character.isUpperCase(key.charAt(0))) {
                JsonNode inner = object.get(key);
                if (key.equals("RangeVar")) {
                    relation(inner, written);
                } else if (inner.isObject()) {
                    node(key, inner);
                } else {
                    value(inner, written);
                }
                return;
            }
        }
        for (Map.Entry<String, JsonNode> field : object.properties()) {
            value(field.getValue(), written);
        }
    }

    /** A relation as written; a temporary one the statement does not qualify is in {@code pg_temp}. */
    private void relation(JsonNode rangeVar, boolean written) {
        if (written && systemCatalog(rangeVar)) {
            traits.add(Trait.CATALOG_WRITE);
        }
        List<String> parts = new ArrayList<>(3);
        for (String part : List.of("catalogname", "schemaname", "relname")) {
            if (rangeVar.path(part).isString()) {
                parts.add(rangeVar.get(part).stringValue());
            }
        }
        if (parts.size() == 1 && rangeVar.path("relpersistence").asString("").equals("t")) {
            parts.addFirst(SearchPath.TEMP);
        }
        (written ? writes : reads).add(RelationName.render(parts));
    }

    /**
     * A relation of pg_catalog: named so, or unqualified with a pg_ name (pg_catalog is searched
     * first unless a path says otherwise, and a path that did is itself a denied change).
     */
    private static boolean systemCatalog(JsonNode rangeVar) {
        String schema = rangeVar.path("schemaname").asString(null);
        String name = rangeVar.path("relname").asString("");
        return schema == null
                ? name.startsWith("pg_")
                : schema.equals("pg_catalog") || schema.equals("information_schema");
    }

    /** What ending or beginning a transaction does to the SETs made in it. */
    private static PathChange transactionChange(String kind) {
        return switch (kind) {
            case "TRANS_STMT_BEGIN", "TRANS_STMT_START" -> PathChange.of(PathChange.Kind.BEGIN);
            case "TRANS_STMT_COMMIT", "TRANS_STMT_PREPARE" -> PathChange.of(PathChange.Kind.COMMIT);
            case "TRANS_STMT_ROLLBACK" -> PathChange.of(PathChange.Kind.ROLLBACK);
            case "TRANS_STMT_ROLLBACK_TO" -> PathChange.UNKNOWN;
            default -> null;
        };
    }

    /** SET [LOCAL] search_path ..., RESET, SET ROLE (which changes what $user means). */
    private void setsPath(JsonNode set) {
        String name = set.path("name").asString("");
        String kind = set.path("kind").asString("");
        boolean local = set.path("is_local").asBoolean(false);
        if (kind.equals("VAR_RESET_ALL")) {
            pathChange = new PathChange(PathChange.Kind.RESET, List.of(), false);
        } else if (identityChange(set)) {
            pathChange = PathChange.UNKNOWN;
        } else if (name.equals("search_path")) {
            if (kind.equals("VAR_SET_VALUE")) {
                List<String> names = new ArrayList<>();
                for (JsonNode arg : set.path("args")) {
                    String value = constant(arg);
                    if (value == null || value.isEmpty()) {
                        pathChange = PathChange.UNKNOWN;
                        return;
                    }
                    names.add(value);
                }
                pathChange = new PathChange(PathChange.Kind.SET, names, local);
            } else if (kind.equals("VAR_SET_DEFAULT") || kind.equals("VAR_RESET")) {
                pathChange = new PathChange(PathChange.Kind.RESET, List.of(), local);
            } else {
                pathChange = PathChange.UNKNOWN;
            }
        }
    }

    /** {@code set_config('search_path', 'a, b', false)}: known when every argument is a constant. */
    private void setConfigPath(JsonNode args, String setting) {
        if (setting != null && !setting.equalsIgnoreCase("search_path")) {
            return;
        }
        String value = constant(args.path(1));
        String local = constant(args.path(2));
        List<String> names = value == null ? null : SearchPath.split(value);
        if (setting == null || names == null || local == null) {
            pathChange = PathChange.UNKNOWN;
        } else {
            pathChange = new PathChange(PathChange.Kind.SET, names, !OFF.contains(local.toLowerCase(Locale.ROOT)));
        }
    }

    private void function(JsonNode call) {
        String name = dotted(call.path("funcname"));
        functions.add(name);
        Set<Integer> secret = SECRET_ARGUMENTS.getOrDefault(name.substring(name.lastIndexOf('.') + 1), Set.of());
        JsonNode arguments = call.path("args");
        for (int position : secret) {
            if (position <= arguments.size()) {
                secrets(arguments.get(position - 1));
            }
        }
        if (name.equals("set_config") || name.equals("pg_catalog.set_config")) {
            JsonNode args = call.path("args");
            String setting = constant(args.path(0));
            if (setting == null) {
                setting = namedInPgSettings.get(call);
            }
            // A computed name (pg_dump does this) is let through: the server's ParameterStatus
            // report of any lexing change ends the session (see LexingSettings).
            if (setting != null) {
                checkLexingSetting(setting, constant(args.path(1)));
            }
            setting(setting == null ? "*" : setting);
            setConfigPath(args, setting);
        }
    }

    /**
     * A MERGE's UPDATE and DELETE actions change every target row its join matches: unbounded
     * unless the join condition (or the action's own condition) narrows the target's rows.
     */
    private void mergeActions(JsonNode merge) {
        boolean joinNarrows = narrows(merge.path("joinCondition"), merge.path("relation"));
        for (JsonNode when : merge.path("mergeWhenClauses")) {
            JsonNode clause = when.path("MergeWhenClause");
            String command = clause.path("commandType").asString("");
            boolean narrowed = joinNarrows || narrows(clause.path("condition"), merge.path("relation"));
            if (!narrowed && command.equals("CMD_DELETE")) {
                traits.add(Trait.UNBOUNDED_DELETE);
            } else if (!narrowed && command.equals("CMD_UPDATE")) {
                traits.add(Trait.UNBOUNDED_UPDATE);
            }
        }
    }

    /**
     * pg_dump's way of setting what a newer server may not know: {@code SELECT set_config(name,
     * 'view, foreign-table', false) FROM pg_settings WHERE name = 'restrict_nonsystem_relation_kind'}.
     * The only row is the one named, so the call sets that setting (a no-op on a server without it).
     */
    private void settingFromPgSettings(JsonNode select) {
        JsonNode from = select.path("fromClause");
        JsonNode targets = select.path("targetList");
        if (from.size() != 1 || targets.size() != 1) {
            return;
        }
        JsonNode relation = from.get(0).path("RangeVar");
        String schema = relation.path("schemaname").asString("pg_catalog");
        if (!relation.path("relname").asString("").equals("pg_settings") || !schema.equals("pg_catalog")) {
            return;
        }
        JsonNode where = select.path("whereClause").path("A_Expr");
        String named = where.path("kind").asString("").equals("AEXPR_OP")
                        && dotted(where.path("name")).equals("=")
                        && parts(where.path("lexpr").path("ColumnRef").path("fields"))
                                .equals(List.of("name"))
                ? where.path("rexpr").path("A_Const").path("sval").path("sval").asString(null)
                : null;
        JsonNode call = targets.get(0).path("ResTarget").path("val").path("FuncCall");
        if (named != null
                && call.isObject()
                && parts(call.path("args").path(0).path("ColumnRef").path("fields"))
                        .equals(List.of("name"))) {
            readConstants = true;
            namedInPgSettings.put(call, named);
        }
    }

    /**
     * A session setting the statement changes. client_encoding and standard_conforming_strings are
     * not counted: a value other than the session's is refused before any policy sees it (see
     * {@link LexingSettings}), so setting them changes nothing.
     */
    private void setting(String name) {
        String setting = name.toLowerCase(Locale.ROOT);
        if (!setting.equals("client_encoding") && !setting.equals("standard_conforming_strings")) {
            settings.add(setting);
        }
    }

    /**
     * Whether an UPDATE's or DELETE's WHERE narrows the rows of its table: it names a column of
     * that table (unqualified outside a subquery, or qualified by the table's name or alias) and is
     * not true whatever the row.
     */
    private boolean narrows(JsonNode where, JsonNode relation) {
        if (where.isMissingNode() || where.isNull()) {
            return false;
        }
        Set<String> names = new java.util.HashSet<>();
        names.add(relation.path("relname").asString(""));
        String alias = relation.path("alias").path("aliasname").asString("");
        if (!alias.isEmpty()) {
            names.add(alias);
        }
        return namesColumnOf(where, names, false) && !alwaysTrue(where);
    }

    private static boolean namesColumnOf(JsonNode node, Set<String> table, boolean inSubquery) {
        if (node.isObject()) {
            JsonNode column = node.path("ColumnRef");
            if (column.isObject()) {
                List<String> parts = parts(column.path("fields"));
                return parts.size() == 1
                        ? !inSubquery
                        : parts.size() >= 2 && table.contains(parts.get(parts.size() - 2));
            }
            JsonNode subLink = node.path("SubLink");
            if (subLink.isObject()) {
                return namesColumnOf(subLink.path("testexpr"), table, inSubquery)
                        || namesColumnOf(subLink.path("subselect"), table, true);
            }
        }
        for (JsonNode child : node) {
            if (namesColumnOf(child, table, inSubquery)) {
                return true;
            }
        }
        return false;
    }

    /**
     * True whatever the row: a true constant, two equal constants compared, an OR with such a
     * branch. What it says depends on constants' values, so the statement's facts hold for this
     * text only (not for its shape with other constants).
     */
    private boolean alwaysTrue(JsonNode node) {
        JsonNode constant = node.path("A_Const");
        if (constant.isObject()) {
            readConstants = true;
            return constant.path("boolval").path("boolval").asBoolean(false);
        }
        JsonNode cast = node.path("TypeCast");
        if (cast.isObject()) {
            readConstants = true;
            JsonNode text = cast.path("arg").path("A_Const").path("sval").path("sval");
            return text.isString()
                            && Set.of("t", "true", "y", "yes", "on", "1")
                                    .contains(text.stringValue().toLowerCase(Locale.ROOT))
                    || alwaysTrue(cast.path("arg"));
        }
        JsonNode expr = node.path("A_Expr");
        if (expr.isObject()) {
            readConstants |= expr.path("lexpr").has("A_Const");
            return expr.path("kind").asString("").equals("AEXPR_OP")
                    && dotted(expr.path("name")).equals("=")
                    && expr.path("lexpr").has("A_Const")
                    && withoutLocation(expr.path("lexpr")).equals(withoutLocation(expr.path("rexpr")));
        }
        JsonNode bool = node.path("BoolExpr");
        if (bool.isObject()) {
            String op = bool.path("boolop").asString("");
            JsonNode args = bool.path("args");
            if (op.equals("OR_EXPR")) {
                for (JsonNode arg : args) {
                    if (alwaysTrue(arg)) {
                        return true;
                    }
                }
                return false;
            }
            if (op.equals("AND_EXPR")) {
                for (JsonNode arg : args) {
                    if (!alwaysTrue(arg)) {
                        return false;
                    }
                }
                return !args.isEmpty();
            }
        }
        return false;
    }

    /** A constant's value, whatever its place in the text. */
    private static String withoutLocation(JsonNode constant) {
        JsonNode value = constant.path("A_Const");
        return value.isObject()
                ? ((tools.jackson.databind.node.ObjectNode) value.deepCopy())
                        .without("location")
                        .toString()
                : "?" + constant;
    }

    /** Where every literal in {@code value} starts, however it is wrapped. */
    private static void literals(JsonNode value, List<Integer> locations) {
        if (value.isObject() && value.has("A_Const")) {
            locations.add(value.path("A_Const").path("location").asInt(0));
            return;
        }
        for (JsonNode field : value) {
            literals(field, locations);
        }
    }

    /** Every literal and parameter in a secret argument, however it is wrapped (casts, concatenation). */
    private void secrets(JsonNode value) {
        if (value.isObject()) {
            if (value.has("A_Const")) {
                secretLocations.add(value.path("A_Const").path("location").asInt(0));
                return;
            }
            if (value.has("ParamRef")) {
                secretParameters.add(value.path("ParamRef").path("number").asInt(0));
                return;
            }
        }
        for (JsonNode field : value) {
            secrets(field);
        }
    }

    private void droppedObjects(JsonNode drop) {
        if (!DROPPED_RELATION_TYPES.contains(drop.path("removeType").asString(""))) {
            return;
        }
        for (JsonNode object : drop.path("objects")) {
            JsonNode names = object.has("List") ? object.path("List").path("items") : object;
            List<String> parts = parts(names);
            if (!parts.isEmpty()) {
                writes.add(RelationName.render(parts));
            }
        }
    }

    /**
     * An agent's role may change its own password in PostgreSQL; then the agent knows a password
     * of its upstream role and can log in around Vigil (and Vigil's sealed one stops working). Vigil
     * holds that credential, so the change is refused whatever role it names.
     */
    private void refusePasswordChange(JsonNode alter) {
        for (JsonNode option : alter.path("options")) {
            if (option.path("DefElem").path("defname").asString("").equals("password")) {
                refusal = "changing a role's password is not allowed through Vigil: Vigil keeps the upstream"
                        + " credential, and one the agent knew would let it log in around Vigil";
            }
        }
    }

    private void checkLexingSetting(JsonNode set) {
        String kind = set.path("kind").asString("");
        if (kind.equals("VAR_SET_DEFAULT") || kind.equals("VAR_RESET") || kind.equals("VAR_RESET_ALL")) {
            return; // back to the session's start value, which the startup policy already checked
        }
        checkLexingSetting(
                set.path("name").asString(""), constant(set.path("args").path(0)));
    }

    private void checkLexingSetting(String name, String value) {
        if (!LexingSettings.allows(name, value)) {
            refusal = LexingSettings.refusal(name, value);
        }
    }

    /** A string or integer constant's text, or null if {@code node} is not a constant. */
    private String constant(JsonNode node) {
        readConstants = true;
        JsonNode value = node.path("A_Const");
        if (value.path("sval").path("sval").isString()) {
            return value.path("sval").path("sval").stringValue();
        }
        if (value.has("ival")) {
            return String.valueOf(value.path("ival").path("ival").asInt(0));
        }
        if (value.has("boolval")) {
            return String.valueOf(value.path("boolval").path("boolval").asBoolean(false));
        }
        return null;
    }

    /** A list of {@code {"String": {"sval": ...}}} joined with dots: a qualified name. */
    private static String dotted(JsonNode names) {
        return String.join(".", parts(names));
    }

    private static List<String> parts(JsonNode names) {
        List<String> parts = new ArrayList<>(3);
        for (JsonNode part : names) {
            JsonNode string = part.path("String").path("sval");
            if (string.isString()) {
                parts.add(string.stringValue());
            }
        }
        return parts;
    }
}
