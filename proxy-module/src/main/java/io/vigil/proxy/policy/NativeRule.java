package io.vigil.proxy.policy;

import dev.cel.common.ast.CelConstant;
import dev.cel.common.ast.CelExpr;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The small part of CEL most rules are written in, evaluated in Java with CEL's meaning: {@code
 * 'drop' in traits}, {@code command == 'DropStmt'}, {@code kind in ['write', 'ddl']}, {@code
 * in_transaction}, and {@code ||}, {@code &&}, {@code !} of those. CEL's interpreter spends about
 * 200 ns a rule on dispatch; these cost a few. Anything else (macros, functions, arithmetic) stays
 * with CEL. None of these can fail, so CEL's error rules for {@code ||} and {@code &&} change
 * nothing.
 */
final class NativeRule {

    private NativeRule() {}

    /** The variables that are lists of strings, by name. */
    private static final java.util.Map<String, Function<StatementFacts, List<String>>> LISTS = java.util.Map.of(
            "reads", StatementFacts::reads,
            "writes", StatementFacts::writes,
            "functions", StatementFacts::functions,
            "tags", StatementFacts::tags,
            "traits", StatementFacts::traits,
            "settings", StatementFacts::settings);

    /** The variables that are strings, by name. */
    private static final java.util.Map<String, Function<StatementFacts, String>> STRINGS = java.util.Map.of(
            "kind", StatementFacts::kind,
            "command", StatementFacts::command,
            "protocol", StatementFacts::protocol,
            "agent", StatementFacts::agent,
            "owner", StatementFacts::owner,
            "on_behalf_of", StatementFacts::onBehalfOf,
            "task", StatementFacts::task);

    /** {@code expr} as a Java predicate, or null if it is outside the subset. */
    static Predicate<StatementFacts> of(CelExpr expr) {
        return switch (expr.getKind()) {
            case CONSTANT ->
                expr.constant().getKind() == CelConstant.Kind.BOOLEAN_VALUE
                        ? constant(expr.constant().booleanValue())
                        : null;
            case IDENT -> expr.ident().name().equals("in_transaction") ? StatementFacts::inTransaction : null;
            case CALL -> call(expr.call().function(), expr.call().args());
            default -> null;
        };
    }

    private static Predicate<StatementFacts> constant(boolean value) {
        return facts -> value;
    }

    private static Predicate<StatementFacts> call(String function, List<CelExpr> args) {
        switch (function) {
            case "_||_", "_&&_" -> {
                Predicate<StatementFacts> a = of(args.get(0));
                Predicate<StatementFacts> b = of(args.get(1));
                if (a == null || b == null) {
                    return null;
                }
                return function.equals("_||_") ? a.or(b) : a.and(b);
            }
            case "!_" -> {
                Predicate<StatementFacts> a = of(args.get(0));
                return a == null ? null : a.negate();
            }
            case "@in" -> {
                return in(args.get(0), args.get(1));
            }
            case "_==_", "_!=_" -> {
                Predicate<StatementFacts> equal = equal(args.get(0), args.get(1));
                if (equal == null) {
                    equal = equal(args.get(1), args.get(0));
                }
                return equal == null || function.equals("_==_") ? equal : equal.negate();
            }
            default -> {
                return null;
            }
        }
    }

    /** {@code 'x' in list_variable}, or {@code string_variable in ['a', 'b']}. */
    private static Predicate<StatementFacts> in(CelExpr element, CelExpr collection) {
        String literal = string(element);
        if (literal != null && collection.getKind() == CelExpr.ExprKind.Kind.IDENT) {
            Function<StatementFacts, List<String>> list =
                    LISTS.get(collection.ident().name());
            return list == null ? null : facts -> list.apply(facts).contains(literal);
        }
        if (element.getKind() == CelExpr.ExprKind.Kind.IDENT && collection.getKind() == CelExpr.ExprKind.Kind.LIST) {
            Function<StatementFacts, String> value = STRINGS.get(element.ident().name());
            Set<String> literals = new HashSet<>();
            for (CelExpr item : collection.list().elements()) {
                String s = string(item);
                if (s == null) {
                    return null;
                }
                literals.add(s);
            }
            return value == null ? null : facts -> literals.contains(value.apply(facts));
        }
        return null;
    }

    /** {@code string_variable == 'x'}. */
    private static Predicate<StatementFacts> equal(CelExpr variable, CelExpr constant) {
        String literal = string(constant);
        if (literal == null || variable.getKind() != CelExpr.ExprKind.Kind.IDENT) {
            return null;
        }
        Function<StatementFacts, String> value = STRINGS.get(variable.ident().name());
        return value == null ? null : facts -> literal.equals(value.apply(facts));
    }

    private static String string(CelExpr expr) {
        return expr.getKind() == CelExpr.ExprKind.Kind.CONSTANT
                        && expr.constant().getKind() == CelConstant.Kind.STRING_VALUE
                ? expr.constant().stringValue()
                : null;
    }
}
