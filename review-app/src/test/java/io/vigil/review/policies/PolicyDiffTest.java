package io.vigil.review.policies;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.proxy.policy.PolicyDocument;
import io.vigil.proxy.policy.Rule;
import io.vigil.proxy.policy.Rule.Effect;
import io.vigil.review.policies.PolicyDiff.Change;
import io.vigil.review.policies.PolicyDiff.Kind;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What changed between two versions of a policy, rule by rule. */
class PolicyDiffTest {

    private static final Rule DROP = new Rule("no-drop", Effect.DENY, "'drop' in traits", "no drops");
    private static final Rule LOCK = new Rule("review-lock", Effect.REVIEW, "'lock' in traits", "locks wait");
    private static final Rule COPY = new Rule("no-copy", Effect.DENY, "'copy_program' in traits", "no programs");

    private static PolicyDocument doc(String description, Rule... rules) {
        return new PolicyDocument("p", description, List.of(rules));
    }

    @Test
    void aFirstVersionAddsEveryRule() {
        assertThat(PolicyDiff.between(null, false, doc("", DROP, LOCK), false))
                .extracting(Change::kind, Change::rule)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(Kind.ADDED, "no-drop"),
                        org.assertj.core.groups.Tuple.tuple(Kind.ADDED, "review-lock"));
    }

    @Test
    void sameDocumentSameModeIsNoChange() {
        assertThat(PolicyDiff.between(doc("d", DROP, LOCK), false, doc("d", DROP, LOCK), false))
                .isEmpty();
    }

    @Test
    void aSwitchToObserveIsAModeChange() {
        assertThat(PolicyDiff.between(doc("d", DROP), false, doc("d", DROP), true))
                .containsExactly(new Change(Kind.MODE, "", "enforce", "observe"));
    }

    @Test
    void rulesAddedRemovedChangedAndMoved() {
        Rule lockDenied = new Rule("review-lock", Effect.DENY, "'lock' in traits", "locks are not for agents");
        List<Change> changes =
                PolicyDiff.between(doc("old", DROP, LOCK, COPY), false, doc("new", COPY, lockDenied), false);

        assertThat(changes)
                .containsExactly(
                        new Change(Kind.DESCRIPTION, "", "old", "new"),
                        new Change(
                                Kind.CHANGED,
                                "review-lock",
                                "review when 'lock' in traits: locks wait",
                                "deny when 'lock' in traits: locks are not for agents"),
                        new Change(Kind.ORDER, "", "review-lock, no-copy", "no-copy, review-lock"),
                        new Change(Kind.REMOVED, "no-drop", "deny when 'drop' in traits: no drops", ""));
    }
}
