package io.vigil.proxy.sql;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One statement as the parser understood it.
 *
 * @param kind what it does
 * @param command the parse tree's node type, e.g. {@code SelectStmt}
 * @param text the statement's own text (one statement of a multi-statement query)
 * @param reads relations it reads, as written (see {@link RelationName}); in the trail, as the
 *     session resolved them (see {@link SessionRelations})
 * @param writes relations and objects it changes, likewise
 * @param functions functions it calls, as written
 * @param fingerprint the statement's shape, the same for the same statement with other constants
 * @param preparedName the name a PREPARE, EXECUTE or DEALLOCATE statement refers to, else null
 * @param secretParameters parameters ($n, 1-based) bound to a secret (a pgcrypto key): the trail
 *     keeps them redacted
 * @param redacted whether {@code text} had secrets taken out of it (see {@link Redaction})
 * @param pathChange what it does to the session's search_path, null if nothing
 * @param argumentsRedacted for an EXECUTE with literal arguments, its text with every one of them
 *     redacted: what the trail keeps if the statement it runs binds one of them to a secret; else
 *     null
 * @param traits what guardrails may judge it by (see {@link Trait})
 * @param settings the session settings it changes, lower case ({@code *}: one whose name is
 *     computed); for guardrails
 * @param columns the columns it names, by clause (see {@link ColumnUse}); for guardrails
 * @param defines the functions a CREATE [OR REPLACE] FUNCTION / PROCEDURE in it makes; for guardrails
 * @param calls its function calls as the session resolved them; empty until then
 * @param operators the operators it uses, as written ({@code <~>}, {@code public.<~>}); for
 *     guardrails (a user's operator runs its function)
 */
public record StatementShape(
        StatementKind kind,
        String command,
        String text,
        List<String> reads,
        List<String> writes,
        List<String> functions,
        String fingerprint,
        String preparedName,
        Set<Integer> secretParameters,
        boolean redacted,
        PathChange pathChange,
        String argumentsRedacted,
        Set<Trait> traits,
        List<String> settings,
        Map<String, List<String>> columns,
        List<DefinedFunction> defines,
        List<ResolvedCall> calls,
        List<String> operators) {

    public StatementShape {
        reads = List.copyOf(reads);
        writes = List.copyOf(writes);
        functions = List.copyOf(functions);
        secretParameters = Set.copyOf(secretParameters);
        traits = traits == null ? Set.of() : Set.copyOf(traits);
        settings = settings == null ? List.of() : List.copyOf(settings);
        columns = columns == null ? ColumnUse.NONE : columns;
        defines = defines == null ? List.of() : List.copyOf(defines);
        calls = calls == null ? List.of() : List.copyOf(calls);
        operators = operators == null ? List.of() : List.copyOf(operators);
    }

    /** A shape without secrets, as the trail's readers re-create it. */
    public StatementShape(
            StatementKind kind,
            String command,
            String text,
            List<String> reads,
            List<String> writes,
            List<String> functions,
            String fingerprint,
            String preparedName) {
        this(
                kind,
                command,
                text,
                reads,
                writes,
                functions,
                fingerprint,
                preparedName,
                Set.of(),
                false,
                null,
                null,
                Set.of(),
                List.of(),
                ColumnUse.NONE,
                List.of(),
                List.of(),
                List.of());
    }

    /**
     * The same statement shape under another text of it (the same with other constants). Only for
     * shapes without secrets: their texts may be shared.
     */
    public StatementShape withText(String otherText) {
        return new StatementShape(
                kind,
                command,
                otherText,
                reads,
                writes,
                functions,
                fingerprint,
                preparedName,
                Set.of(),
                false,
                pathChange,
                argumentsRedacted,
                traits,
                settings,
                columns,
                defines,
                calls,
                operators);
    }

    /**
     * The same statement with its relations named as the session resolved them, and what the
     * session's catalog adds to its traits (the functions it calls, as they resolve).
     */
    public StatementShape withResolution(
            List<String> resolvedReads,
            List<String> resolvedWrites,
            Set<Trait> allTraits,
            List<ResolvedCall> resolvedCalls) {
        return new StatementShape(
                kind,
                command,
                text,
                resolvedReads,
                resolvedWrites,
                functions,
                fingerprint,
                preparedName,
                secretParameters,
                redacted,
                pathChange,
                argumentsRedacted,
                allTraits,
                settings,
                columns,
                defines,
                resolvedCalls,
                operators);
    }

    /** The same statement with its relations named as the session resolved them. */
    public StatementShape withRelations(List<String> resolvedReads, List<String> resolvedWrites) {
        return withResolution(resolvedReads, resolvedWrites, traits, calls);
    }

    public boolean isPrepare() {
        return command.equals("PrepareStmt");
    }

    public boolean isExecute() {
        return command.equals("ExecuteStmt");
    }

    public boolean isDeallocate() {
        return command.equals("DeallocateStmt");
    }

    /**
     * This shape as run by EXECUTE: the prepared statement's kind, relations and functions, under
     * the EXECUTE's own text and fingerprint; its literal arguments redacted if the prepared
     * statement binds one of its parameters to a secret (which argument is which is the server's
     * to say: all of them go).
     */
    public StatementShape executedAs(StatementShape prepared) {
        boolean secret = !prepared.secretParameters.isEmpty() && argumentsRedacted != null;
        return new StatementShape(
                prepared.kind,
                // A statement a protocol Parse prepared is known by its own command; a PREPARE's is not kept.
                prepared.isPrepare() ? command : prepared.command,
                secret ? argumentsRedacted : text,
                prepared.reads,
                prepared.writes,
                union(prepared.functions, functions),
                fingerprint,
                preparedName,
                secretParameters,
                redacted || secret,
                // An argument that changes the path (set_config) leaves it unknown.
                pathChange != null ? PathChange.UNKNOWN : prepared.pathChange,
                null,
                // The EXECUTE's own arguments run too: what they call is judged with what it runs.
                union(prepared.traits, traits),
                union(prepared.settings, settings),
                prepared.columns,
                prepared.defines,
                prepared.calls,
                prepared.operators);
    }

    private static <T> List<T> union(List<T> a, List<T> b) {
        if (b.isEmpty()) {
            return a;
        }
        java.util.LinkedHashSet<T> all = new java.util.LinkedHashSet<>(a);
        all.addAll(b);
        return List.copyOf(all);
    }

    private static Set<Trait> union(Set<Trait> a, Set<Trait> b) {
        if (b.isEmpty()) {
            return a;
        }
        Set<Trait> all = java.util.EnumSet.noneOf(Trait.class);
        all.addAll(a);
        all.addAll(b);
        return all;
    }
}
