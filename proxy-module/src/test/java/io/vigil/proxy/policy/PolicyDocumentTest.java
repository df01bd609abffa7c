package io.vigil.proxy.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
            """)
    void whatIsNotAPolicySaysWhy(String json, String why) {
        assertThatThrownBy(() -> PolicyDocument.parse(json))
                .isInstanceOf(PolicyDocument.InvalidDocument.class)
                .hasMessage(why);
    }
}
