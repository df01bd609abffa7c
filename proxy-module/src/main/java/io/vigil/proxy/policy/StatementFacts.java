package io.vigil.proxy.policy;

import dev.cel.common.types.CelType;
import dev.cel.common.types.ListType;
import dev.cel.common.types.SimpleType;
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
        List<String> settings) {

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
            Map.entry("settings", ListType.create(SimpleType.STRING)));

    public StatementFacts {
        reads = List.copyOf(reads);
        writes = List.copyOf(writes);
        functions = List.copyOf(functions);
        tags = List.copyOf(tags);
        traits = List.copyOf(traits);
        settings = List.copyOf(settings);
    }

    /**
     * The facts of one statement, its relations already resolved, run by {@code agent}.
     *
     * @param protocol {@code simple}, {@code extended} or {@code startup}
     */
    public static StatementFacts of(
            io.vigil.proxy.sql.StatementShape shape, String protocol, boolean inTransaction, AgentFacts agent) {
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
                shape.settings());
    }

    /** The facts as CEL variables, by the names in {@link #VARIABLES}, without building a map. */
    dev.cel.runtime.CelVariableResolver resolver() {
        return name -> java.util.Optional.ofNullable(variable(name));
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
            default -> null;
        };
    }
}
