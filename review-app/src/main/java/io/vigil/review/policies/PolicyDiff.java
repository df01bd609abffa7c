package io.vigil.review.policies;

import io.vigil.proxy.policy.PolicyDocument;
import io.vigil.proxy.policy.Rule;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What changed between two versions of a policy, rule by rule (rules are named, and a policy's
 * verdict depends on their order, so their order is a change too). Pure: the same two documents always
 * give the same changes.
 */
final class PolicyDiff {

    enum Kind {
        ADDED,
        REMOVED,
        CHANGED,
        ORDER,
        MODE,
        DESCRIPTION
    }

    /**
     * One change.
     *
     * @param rule the rule's name; empty for the policy's mode, description or order of rules
     * @param before as it was (a rule as {@code effect when -> message}, or the mode), empty if added
     * @param after as it is now, empty if removed
     */
    record Change(Kind kind, String rule, String before, String after) {}

    private PolicyDiff() {}

    /** The changes from {@code older} to {@code newer}; {@code older} null: every rule is added. */
    static List<Change> between(
            PolicyDocument older, boolean olderObserving, PolicyDocument newer, boolean newerObserving) {
        List<Change> changes = new ArrayList<>();
        if (older != null && olderObserving != newerObserving) {
            changes.add(new Change(Kind.MODE, "", mode(olderObserving), mode(newerObserving)));
        }
        if (older != null && !older.description().equals(newer.description())) {
            changes.add(new Change(Kind.DESCRIPTION, "", older.description(), newer.description()));
        }
        Map<String, Rule> oldRules = new LinkedHashMap<>();
        List<Rule> before = older == null ? List.of() : older.rules();
        for (Rule rule : before) {
            oldRules.put(rule.name(), rule);
        }
        List<String> keptInOldOrder = new ArrayList<>();
        for (Rule rule : before) {
            if (newer.rules().stream().anyMatch(r -> r.name().equals(rule.name()))) {
                keptInOldOrder.add(rule.name());
            }
        }
        List<String> keptInNewOrder = new ArrayList<>();
        for (Rule rule : newer.rules()) {
            Rule old = oldRules.get(rule.name());
            if (old == null) {
                changes.add(new Change(Kind.ADDED, rule.name(), "", text(rule)));
                continue;
            }
            keptInNewOrder.add(rule.name());
            if (!old.equals(rule)) {
                changes.add(new Change(Kind.CHANGED, rule.name(), text(old), text(rule)));
            }
        }
        if (!keptInOldOrder.equals(keptInNewOrder)) {
            // The first rule that matches decides: the order of the rules kept is a change of its own.
            changes.add(
                    new Change(Kind.ORDER, "", String.join(", ", keptInOldOrder), String.join(", ", keptInNewOrder)));
        }
        for (Rule rule : before) {
            if (newer.rules().stream().noneMatch(r -> r.name().equals(rule.name()))) {
                changes.add(new Change(Kind.REMOVED, rule.name(), text(rule), ""));
            }
        }
        return changes;
    }

    private static String mode(boolean observing) {
        return observing ? "observe" : "enforce";
    }

    /** {@code deny when 'drop' in traits: agents may not drop objects}. */
    static String text(Rule rule) {
        String effect = rule.effect() == Rule.Effect.CAP
                ? "cap at " + rule.rows() + " rows"
                : rule.effect().name().toLowerCase(java.util.Locale.ROOT);
        String text = effect + " when " + rule.when() + ": " + rule.message();
        var terms = rule.approval();
        if (terms == null || terms.equals(io.vigil.proxy.policy.ApprovalTerms.DEFAULT)) {
            return text;
        }
        return text + " (decided by "
                + (terms.by() == io.vigil.proxy.policy.ApprovalTerms.Approvers.OWNER
                        ? "the agent's owner"
                        : terms.distinct() + (terms.distinct() == 1 ? " approver" : " different approvers"))
                + (terms.within() == null ? "" : " within " + terms.within().toSeconds() + " s")
                + (terms.countRows() ? ", rows counted" : "") + ")";
    }
}
