package io.vigil.proxy.sql;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * The {@link Trait}s one node of a parse tree shows by itself: its type, and for a few types a
 * field or two (what an ALTER TABLE does, where a COPY goes, a LOCK's mode, a function call's name).
 * Pure; {@link TreeClassifier} calls it for every node it walks.
 */
final class GuardTraits {

    private GuardTraits() {}

    /** Privilege statements, but ALTER ROLE ... SET: a stored setting (see STORED_SETTINGS). */
    private static final Set<String> PRIVILEGE_CHANGES = TreeClassifier.PRIVILEGE_COMMANDS.stream()
            .filter(command -> !command.equals("AlterRoleSetStmt"))
            .collect(java.util.stream.Collectors.toUnmodifiableSet());

    private static final Set<String> DEFERRED_CODE =
            Set.of("CreateTrigStmt", "RuleStmt", "CreateEventTrigStmt", "AlterEventTrigStmt");

    private static final Set<String> STORED_SETTINGS =
            Set.of("AlterSystemStmt", "AlterDatabaseSetStmt", "AlterRoleSetStmt", "AlterDatabaseStmt");

    private static final Set<String> EXTENSIONS = Set.of(
            "CreateExtensionStmt",
            "AlterExtensionStmt",
            "AlterExtensionContentsStmt",
            "CreatePLangStmt",
            "CreateFdwStmt",
            "AlterFdwStmt",
            "CreateForeignServerStmt",
            "AlterForeignServerStmt",
            "CreateForeignTableStmt",
            "ImportForeignSchemaStmt",
            "CreateSubscriptionStmt",
            "AlterSubscriptionStmt",
            "CreatePublicationStmt",
            "AlterPublicationStmt",
            "LoadStmt");

    /** ALTER TABLE subcommands that lose data or break what depends on the table. */
    private static final Set<String> DESTRUCTIVE_SUBCOMMANDS = Set.of(
            "AT_DropColumn",
            "AT_AlterColumnType",
            "AT_DropConstraint",
            "AT_SetUnLogged",
            "AT_DetachPartition",
            "AT_DetachPartitionFinalize",
            "AT_DropExpression",
            "AT_DropIdentity",
            "AT_DropInherit",
            "AT_DropOf");

    /** ALTER TABLE subcommands that change who may see or change what, or switch guards off. */
    private static final Set<String> PRIVILEGE_SUBCOMMANDS = Set.of(
            "AT_ChangeOwner",
            "AT_DisableRowSecurity",
            "AT_NoForceRowSecurity",
            "AT_DisableTrig",
            "AT_DisableTrigAll",
            "AT_DisableTrigUser",
            "AT_EnableReplicaTrig",
            "AT_DisableRule",
            "AT_EnableReplicaRule");

    /** Built-ins that reach past the database (pg_catalog's; dblink's wherever it is installed). */
    private static final Set<String> SERVER_ACCESS = Set.of(
            // server files
            "pg_read_file",
            "pg_read_binary_file",
            "pg_stat_file",
            "pg_ls_dir",
            "pg_ls_logdir",
            "pg_ls_waldir",
            "pg_ls_tmpdir",
            "pg_ls_archive_statusdir",
            "pg_ls_logicalsnapdir",
            "pg_ls_logicalmapdir",
            "pg_ls_replslotdir",
            "pg_file_write",
            "pg_file_rename",
            "pg_file_unlink",
            "pg_file_sync",
            "pg_logdir_ls",
            // large objects
            "lo_import",
            "lo_export",
            "lo_create",
            "lo_creat",
            "lo_open",
            "lo_close",
            "loread",
            "lowrite",
            "lo_lseek",
            "lo_lseek64",
            "lo_tell",
            "lo_tell64",
            "lo_truncate",
            "lo_truncate64",
            "lo_unlink",
            "lo_get",
            "lo_put",
            "lo_from_bytea",
            // replication, WAL, backup, configuration
            "pg_create_physical_replication_slot",
            "pg_create_logical_replication_slot",
            "pg_drop_replication_slot",
            "pg_copy_physical_replication_slot",
            "pg_copy_logical_replication_slot",
            "pg_replication_slot_advance",
            "pg_logical_slot_get_changes",
            "pg_logical_slot_peek_changes",
            "pg_logical_slot_get_binary_changes",
            "pg_logical_slot_peek_binary_changes",
            "pg_logical_emit_message",
            "pg_replication_origin_create",
            "pg_replication_origin_drop",
            "pg_replication_origin_session_setup",
            "pg_replication_origin_advance",
            "pg_switch_wal",
            "pg_promote",
            "pg_backup_start",
            "pg_backup_stop",
            "pg_start_backup",
            "pg_stop_backup",
            "pg_create_restore_point",
            "pg_wal_replay_pause",
            "pg_wal_replay_resume",
            "pg_reload_conf",
            "pg_rotate_logfile",
            "pg_log_backend_memory_contexts");

    /** Built-ins that run SQL they are given as a string. */
    private static final Set<String> SQL_FROM_STRINGS =
            Set.of("query_to_xml", "query_to_xmlschema", "query_to_xml_and_xmlschema", "ts_stat", "ts_rewrite");

    private static final Set<String> SIGNALS = Set.of("pg_terminate_backend", "pg_cancel_backend");

    /** AccessShareLock: what pg_dump and every SELECT take. */
    private static final int ACCESS_SHARE = 1;

    /** Adds what the node of {@code type} shows to {@code traits}. */
    static void of(String type, JsonNode body, Set<Trait> traits) {
        if (type.startsWith("Drop") && type.endsWith("Stmt")) {
            traits.add(Trait.DROP);
        }
        if (PRIVILEGE_CHANGES.contains(type)) {
            traits.add(Trait.PRIVILEGE_CHANGE);
        }
        if (DEFERRED_CODE.contains(type)) {
            traits.add(Trait.DEFERRED_CODE);
        }
        if (STORED_SETTINGS.contains(type)) {
            traits.add(Trait.STORED_SETTING);
        }
        if (EXTENSIONS.contains(type)) {
            traits.add(Trait.EXTENSION);
        }
        switch (type) {
            case "TruncateStmt" -> traits.add(Trait.TRUNCATE);
            case "RenameStmt", "AlterObjectSchemaStmt" -> traits.add(Trait.DESTRUCTIVE_ALTER);
            case "AlterTableCmd" -> alterTable(body.path("subtype").asString(""), traits);
            case "CopyStmt" -> traits.add(copy(body));
            case "CreateFunctionStmt" -> {
                traits.add(Trait.DEFINES_FUNCTION);
                function(body.path("options"), traits);
            }
            case "AlterFunctionStmt" -> function(body.path("actions"), traits);
            case "CreateTableAsStmt" -> traits.add(Trait.CREATE_TABLE_AS);
            case "CommonTableExpr" -> {
                JsonNode query = body.path("ctequery");
                if (query.has("InsertStmt")
                        || query.has("UpdateStmt")
                        || query.has("DeleteStmt")
                        || query.has("MergeStmt")) {
                    traits.add(Trait.WRITES_IN_CTE);
                }
            }
            case "SelectStmt" -> {
                if (body.has("intoClause")) {
                    traits.add(Trait.CREATE_TABLE_AS);
                }
            }
            case "LockStmt" -> {
                traits.add(Trait.LOCK);
                // The default mode is ACCESS EXCLUSIVE; the tree leaves a mode out only if it is 0.
                if (body.path("mode").asInt(0) != ACCESS_SHARE) {
                    traits.add(Trait.STRONG_LOCK);
                }
            }
            case "DoStmt" -> traits.add(Trait.DO_BLOCK);
            case "ReindexStmt", "ClusterStmt", "CheckPointStmt" -> traits.add(Trait.MAINTENANCE);
            case "VacuumStmt" -> {
                if (vacuumFull(body)) {
                    traits.add(Trait.MAINTENANCE);
                }
            }
            case "FuncCall" -> call(body.path("funcname"), traits);
            // CREATE OPERATOR / AGGREGATE / CAST / CONVERSION name functions that later run under
            // another name (an operator, an aggregate, a cast): each name counts as a call now.
            case "DefineStmt", "CreateCastStmt", "CreateConversionStmt", "CreateTransformStmt" ->
                namedFunctions(body, traits);
            default -> {}
        }
    }

    private static void alterTable(String subtype, Set<Trait> traits) {
        if (DESTRUCTIVE_SUBCOMMANDS.contains(subtype)) {
            traits.add(Trait.DESTRUCTIVE_ALTER);
        }
        if (PRIVILEGE_SUBCOMMANDS.contains(subtype)) {
            traits.add(Trait.PRIVILEGE_CHANGE);
        }
    }

    private static Trait copy(JsonNode copy) {
        if (copy.path("is_program").asBoolean(false)) {
            return Trait.COPY_PROGRAM;
        }
        if (copy.path("filename").isString()) {
            return Trait.COPY_SERVER_FILE;
        }
        return copy.path("is_from").asBoolean(false) ? Trait.COPY_FROM_STDIN : Trait.COPY_TO_STDOUT;
    }

    /** SECURITY DEFINER, or LANGUAGE c / internal, among a function's options. */
    private static void function(JsonNode options, Set<Trait> traits) {
        for (JsonNode option : options) {
            JsonNode def = option.path("DefElem");
            String name = def.path("defname").asString("");
            JsonNode arg = def.path("arg");
            if (name.equals("security") && arg.path("Boolean").path("boolval").asBoolean(false)) {
                traits.add(Trait.UNSAFE_FUNCTION);
            }
            if (name.equals("language")) {
                String language = arg.path("String").path("sval").asString("").toLowerCase(Locale.ROOT);
                if (language.equals("c") || language.equals("internal")) {
                    traits.add(Trait.UNSAFE_FUNCTION);
                }
            }
        }
    }

    /** VACUUM FULL, or VACUUM (FULL) with no argument or any but an explicit off. */
    private static boolean vacuumFull(JsonNode vacuum) {
        for (JsonNode option : vacuum.path("options")) {
            JsonNode def = option.path("DefElem");
            if (def.path("defname").asString("").equals("full")) {
                JsonNode arg = def.path("arg");
                String value = arg.path("String")
                        .path("sval")
                        .asString(
                                arg.has("Integer")
                                        ? String.valueOf(
                                                arg.path("Integer").path("ival").asInt(0))
                                        : "on");
                return !Set.of("off", "false", "0", "no").contains(value.toLowerCase(Locale.ROOT));
            }
        }
        return false;
    }

    /** Every name list in {@code node} ({@code TypeName.names}, {@code ObjectWithArgs.objname}) as a call. */
    private static void namedFunctions(JsonNode node, Set<Trait> traits) {
        if (node.isObject()) {
            for (String field : List.of("names", "objname", "funcname")) {
                JsonNode names = node.path(field);
                if (names.isArray()) {
                    call(names, traits);
                }
            }
        }
        if (node.isContainer()) {
            for (JsonNode child : node) {
                namedFunctions(child, traits);
            }
        }
    }

    /**
     * A call by name: pg_catalog's built-ins count unqualified or qualified by pg_catalog (a
     * same-named function elsewhere is another function), dblink's under any schema.
     */
    private static void call(JsonNode funcname, Set<Trait> traits) {
        String schema = null;
        String name = "";
        for (JsonNode part : funcname) {
            String text = part.path("String").path("sval").asString("");
            schema = name.isEmpty() ? null : name;
            name = text;
        }
        if (name.startsWith("dblink")) {
            traits.add(Trait.SERVER_ACCESS);
            traits.add(Trait.DYNAMIC_SQL);
            return;
        }
        if (schema != null && !schema.equals("pg_catalog")) {
            return;
        }
        if (SERVER_ACCESS.contains(name)) {
            traits.add(Trait.SERVER_ACCESS);
        } else if (SQL_FROM_STRINGS.contains(name)) {
            traits.add(Trait.DYNAMIC_SQL);
        } else if (SIGNALS.contains(name)) {
            traits.add(Trait.SIGNALS_BACKEND);
        } else if (name.equals("setval")) {
            traits.add(Trait.SETVAL);
        }
    }
}
