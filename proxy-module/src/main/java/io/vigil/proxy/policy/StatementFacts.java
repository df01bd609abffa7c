package io.vigil.proxy.policy;

import com.google.protobuf.Timestamp;
import dev.cel.common.types.CelType;
import dev.cel.common.types.ListType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import io.vigil.proxy.sql.ColumnUse;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What a rule may look at about one statement: derived from PostgreSQL's parse tree and the
 * session, never from the text. Relations are named as the session resolved them.
 *
 * @param kind read, write, ddl, privilege, transaction, utility
 * @param command the parse tree's node type ({@code DropStmt})
 * @param reads relations read, resolved ({@code public.orders})
 * @param writes relations and objects changed, resolved
 * @param functions functions called, as written
 * @param inTransaction whether it runs inside an explicit transaction
 * @param protocol simple or extended
 * @param agent the agent's name
 * @param tags the agent's tags
 * @param owner the agent's owner
 * @param onBehalfOf the person a workload token says the agent acts for, "" if none
 * @param task the task a workload token names, "" if none
 * @param traits what the parse tree says of it, lower case ({@code unbounded_delete}: see {@link
 *     io.vigil.proxy.sql.Trait})
 * @param settings the session settings it changes, lower case ({@code *}: a computed name)
 * @param columns the columns it names as written, by clause: {@code all}, {@code output},
 *     {@code where}, {@code join}, {@code group}, {@code having}, {@code order}, {@code set},
 *     {@code insert}, {@code returning} (see {@link io.vigil.proxy.sql.ColumnUse})
 * @param calls the functions it calls as the session resolved them, one map per overload a name
 *     reaches: {@code name}, {@code schema}, {@code known}, {@code volatile}, {@code
 *     security_definer}, {@code language}, {@code owned}, {@code builtin} (see {@link
 *     io.vigil.proxy.sql.ResolvedCall})
 * @param at when it is judged; null where no rule reads the time (then a verdict can be kept)
 */
public record StatementFacts(
        String kind,
        String command,
        List<String> reads,
        List<String> writes,
        List<String> functions,
        boolean inTransaction,
        String protocol,
        String agent,
        List<String> tags,
        String owner,
        String onBehalfOf,
        String task,
        List<String> traits,
        List<String> settings,
        Map<String, List<String>> columns,
        List<Map<String, Object>> calls,
        Instant at) {

    /** The variable that reads the time: {@code now.getHours('Europe/Berlin') < 7}. */
    static final String NOW = "now";

    /** The variables a rule's expression may use, with their CEL types. */
    public static final Map<String, CelType> VARIABLES = Map.ofEntries(
            Map.entry("kind", SimpleType.STRING),
            Map.entry("command", SimpleType.STRING),
            Map.entry("reads", ListType.create(SimpleType.STRING)),
            Map.entry("writes", ListType.create(SimpleType.STRING)),
            Map.entry("functions", ListType.create(SimpleType.STRING)),
            Map.entry("in_transaction", SimpleType.BOOL),
            Map.entry("protocol", SimpleType.STRING),
            Map.entry("agent", SimpleType.STRING),
            Map.entry("tags", ListType.create(SimpleType.STRING)),
            Map.entry("owner", SimpleType.STRING),
            Map.entry("on_behalf_of", SimpleType.STRING),
            Map.entry("task", SimpleType.STRING),
            Map.entry("traits", ListType.create(SimpleType.STRING)),
            Map.entry("settings", ListType.create(SimpleType.STRING)),
            Map.entry("columns", MapType.create(SimpleType.STRING, ListType.create(SimpleType.STRING))),
            Map.entry("calls", ListType.create(MapType.create(SimpleType.STRING, SimpleType.DYN))),
            Map.entry(NOW, SimpleType.TIMESTAMP));

    public StatementFacts {
        reads = List.copyOf(reads);
        writes = List.copyOf(writes);
        functions = List.copyOf(functions);
        tags = List.copyOf(tags);
        traits = List.copyOf(traits);
        settings = List.copyOf(settings);
        // A shape's columns name every clause already (ColumnUse): not copied per statement.
        columns = columns == null ? ColumnUse.NONE : columns;
        calls = calls == null ? List.of() : List.copyOf(calls);
    }

    /**
     * The facts of one statement, its relations already resolved, run by {@code agent}.
     *
     * @param protocol {@code simple}, {@code extended} or {@code startup}
     * @param columns the columns it names as written, by clause: {@code all}, {@code output},
     *     {@code where}, {@code join}, {@code group}, {@code having}, {@code order}, {@code set},
     *     {@code insert}, {@code returning} (see {@link io.vigil.proxy.sql.ColumnUse})
     * @param at when it is judged; null if no rule reads the time
     */
    public static StatementFacts of(
            io.vigil.proxy.sql.StatementShape shape,
            String protocol,
            boolean inTransaction,
            AgentFacts agent,
            Instant at) {
        List<String> traits = new java.util.ArrayList<>(shape.traits().size());
        for (io.vigil.proxy.sql.Trait trait : shape.traits()) {
            traits.add(trait.label());
        }
        return new StatementFacts(
                shape.kind().label(),
                shape.command(),
                shape.reads(),
                shape.writes(),
                shape.functions(),
                inTransaction,
                protocol,
                agent.name(),
                agent.tags(),
                agent.owner(),
                agent.onBehalfOf(),
                agent.task(),
                traits,
                shape.settings(),
                shape.columns(),
                calls(shape),
                at);
    }

    /**
     * Without the columns: equal facts still hash alike, and hashing every clause's list for each
     * statement a session judges again cost more than judging it (see {@link SessionJudge}).
     */
    @Override
    public int hashCode() {
        int h = kind.hashCode();
        h = 31 * h + command.hashCode();
        h = 31 * h + reads.hashCode();
        h = 31 * h + writes.hashCode();
        h = 31 * h + functions.hashCode();
        h = 31 * h + Boolean.hashCode(inTransaction);
        h = 31 * h + protocol.hashCode();
        h = 31 * h + agent.hashCode();
        h = 31 * h + traits.hashCode();
        h = 31 * h + settings.hashCode();
        return 31 * h + java.util.Objects.hashCode(at);
    }

    /** The facts as CEL variables, by the names in {@link #VARIABLES}, without building a map. */
    dev.cel.runtime.CelVariableResolver resolver() {
        return name -> java.util.Optional.ofNullable(variable(name));
    }

    private static List<Map<String, Object>> calls(io.vigil.proxy.sql.StatementShape shape) {
        if (shape.calls().isEmpty()) {
            return List.of();
        }
        List<Map<String, Object>> calls =
                new java.util.ArrayList<>(shape.calls().size());
        for (io.vigil.proxy.sql.ResolvedCall call : shape.calls()) {
            calls.add(call.fact());
        }
        return calls;
    }

    private static Timestamp timestamp(Instant at) {
        return Timestamp.newBuilder()
                .setSeconds(at.getEpochSecond())
                .setNanos(at.getNano())
                .build();
    }

    private Object variable(String name) {
        return switch (name) {
            case "kind" -> kind;
            case "command" -> command;
            case "reads" -> reads;
            case "writes" -> writes;
            case "functions" -> functions;
            case "in_transaction" -> inTransaction;
            case "protocol" -> protocol;
            case "agent" -> agent;
            case "tags" -> tags;
            case "owner" -> owner;
            case "on_behalf_of" -> onBehalfOf;
            case "task" -> task;
            case "traits" -> traits;
            case "settings" -> settings;
            case "columns" -> columns;
            case "calls" -> calls;
            case NOW -> at == null ? null : timestamp(at);
            default -> null;
        };
    }
}
