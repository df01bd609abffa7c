package io.vigil.proxy.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A policy's JSON read and written back; what is not a policy says why. */
class PolicyDocumentTest {

    @Test
    void aCapRuleKeepsItsRowsThroughJson() throws Exception {
        PolicyDocument doc = new PolicyDocument(
                "p",
                "d",
                List.of(
                        new Rule("no-drop", Rule.Effect.DENY, "'drop' in traits", "no"),
                        Rule.cap("cap", "kind == 'write'", 250, "at most 250")));

        PolicyDocument back = PolicyDocument.parse(doc.json());

        assertThat(back).isEqualTo(doc);
        assertThat(doc.json()).contains("\"rows\" : 250");
    }

    @Test
    void aReviewRuleKeepsItsApprovalTermsThroughJson() throws Exception {
        PolicyDocument doc = new PolicyDocument(
                "p",
                "d",
                List.of(
                        Rule.review(
                                "two-people",
                                "command == 'DeleteStmt'",
                                "deletes need two people",
                                new ApprovalTerms(ApprovalTerms.Approvers.APPROVER, 2, Duration.ofMinutes(10), true)),
                        Rule.review(
                                "owner",
                                "command == 'UpdateStmt'",
                                "the owner decides",
                                new ApprovalTerms(ApprovalTerms.Approvers.OWNER, 1, null, false)),
                        new Rule("plain", Rule.Effect.REVIEW, "kind == 'ddl'", "a person decides")));

        PolicyDocument back = PolicyDocument.parse(doc.json());

        assertThat(back).isEqualTo(doc);
        assertThat(back.rules().get(2).approval()).isEqualTo(ApprovalTerms.DEFAULT);
        assertThat(doc.json()).contains("\"within\" : 600").contains("\"by\" : \"owner\"");
    }

    @Test
    void twoReviewsOfOneStatementApplyTheStricterTerms() {
        ApprovalTerms owner = new ApprovalTerms(ApprovalTerms.Approvers.OWNER, 1, Duration.ofMinutes(10), false);
        ApprovalTerms three = new ApprovalTerms(ApprovalTerms.Approvers.APPROVER, 3, Duration.ofMinutes(2), false);
        ApprovalTerms counts = new ApprovalTerms(ApprovalTerms.Approvers.APPROVER, 1, null, true);

        assertThat(ApprovalTerms.strictest(owner, counts))
                .isEqualTo(new ApprovalTerms(ApprovalTerms.Approvers.OWNER, 1, Duration.ofMinutes(10), true));
        assertThat(ApprovalTerms.strictest(owner, three))
                .isEqualTo(new ApprovalTerms(ApprovalTerms.Approvers.APPROVER, 3, Duration.ofMinutes(2), false));
        assertThat(Verdict.mostSevere(
                        new Verdict.Review("a", 1, "r1", "m", owner), new Verdict.Review("b", 2, "r2", "n", counts)))
                .isEqualTo(new Verdict.Review(
                        "a",
                        1,
                        "r1",
                        "m",
                        new ApprovalTerms(ApprovalTerms.Approvers.OWNER, 1, Duration.ofMinutes(10), true)));
    }

    @Test
    void everyPresetReadsBackAsItself() throws Exception {
        for (String name : PolicyDocument.PRESETS) {
            PolicyDocument preset = PolicyDocument.preset(name);
            assertThat(PolicyDocument.parse(preset.json())).isEqualTo(preset);
        }
        assertThat(PolicyDocument.preset("baseline").rules())
                .filteredOn(rule -> rule.effect() == Rule.Effect.CAP)
                .extracting(Rule::rows)
                .containsExactly(1000L);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            {"name": "p", "rules": [{"name": "c", "effect": "cap", "when": "true"}]}                | rule 'c': a cap needs rows, a whole number from 1
            {"name": "p", "rules": [{"name": "c", "effect": "cap", "rows": 0, "when": "true"}]}     | rule 'c': a cap needs rows, a whole number from 1
            {"name": "p", "rules": [{"name": "c", "effect": "cap", "rows": 2.5, "when": "true"}]}   | rule 'c': a cap needs rows, a whole number from 1
            {"name": "p", "rules": [{"name": "c", "effect": "cap", "rows": "9", "when": "true"}]}   | rule 'c': a cap needs rows, a whole number from 1
            {"name": "p", "rules": [{"name": "d", "effect": "deny", "rows": 5, "when": "true"}]}    | rule 'd': only a cap has rows
            {"name": "p", "rules": [{"name": "d", "effect": "limit", "when": "true"}]}              | rule 'd': effect is allow, review, deny or cap, not limit
            {"name": "p", "rules": [{"name": "d", "effect": "deny", "when": "true", "approval": {}}]}                 | rule 'd': approval is for review rules only
            {"name": "p", "rules": [{"name": "r", "effect": "review", "when": "true", "approval": {"by": "anyone"}}]}  | rule 'r': approval: by is approver or owner, not anyone
            {"name": "p", "rules": [{"name": "r", "effect": "review", "when": "true", "approval": {"distinct": 6}}]}   | rule 'r': approval: from 1 to 5 approvers, not 6
            {"name": "p", "rules": [{"name": "r", "effect": "review", "when": "true", "approval": {"by": "owner", "distinct": 2}}]} | rule 'r': approval: an agent has one owner: distinct approvers need by = approver
            {"name": "p", "rules": [{"name": "r", "effect": "review", "when": "true", "approval": {"within": 5}}]}     | rule 'r': approval: within is from 30 seconds to 24 hours, not 5 s
            {"name": "p", "rules": [{"name": "r", "effect": "review", "when": "true", "approval": {"within": "5m"}}]}  | rule 'r': approval: within (seconds) is a whole number
            {"name": "p", "rules": [{"name": "r", "effect": "review", "when": "true", "approval": {"count": true}}]}   | rule 'r': approval has by, distinct, within and count_rows, not count
            {"name": "p", "rules": [{"name": "r", "effect": "review", "when": "true", "approval": {"count_rows": 1}}]} | rule 'r': approval: count_rows is true or false
            """)
    void whatIsNotAPolicySaysWhy(String json, String why) {
        assertThatThrownBy(() -> PolicyDocument.parse(json))
                .isInstanceOf(PolicyDocument.InvalidDocument.class)
                .hasMessage(why);
    }
}
