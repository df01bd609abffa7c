package io.vigil.proxy.policy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A policy as people write and Vigil stores it: a name, a description and rules in order, as JSON
 * ({@code {"name": ..., "rules": [{"name", "effect": "deny", "when": CEL, "message"}]}}); a
 * cap rule has {@code "effect": "cap", "rows": 1000}.
 *
 * @param name what denials name it
 * @param description what it is for
 * @param rules in order: the first that matches decides
 */
public record PolicyDocument(String name, String description, List<Rule> rules) {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** The presets Vigil ships. */
    public static final List<String> PRESETS = List.of("baseline", "export");

    public PolicyDocument {
        rules = List.copyOf(rules);
    }

    /** A preset by name ({@link #PRESETS}). */
    public static PolicyDocument preset(String name) {
        if (!PRESETS.contains(name)) {
            throw new IllegalArgumentException("no preset named " + name);
        }
        try (InputStream in = PolicyDocument.class.getResourceAsStream(name + ".json")) {
            return parse(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InvalidDocument e) {
            throw new IllegalStateException("preset " + name + " is broken: " + e.getMessage(), e);
        }
    }

    /** Reads a policy's JSON. */
    public static PolicyDocument parse(String json) throws InvalidDocument {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JacksonException e) {
            throw new InvalidDocument("not JSON: " + e.getOriginalMessage());
        }
        String name = text(root, "name", "the policy");
        List<Rule> rules = new ArrayList<>();
        for (JsonNode rule : root.path("rules")) {
            String ruleName = text(rule, "name", "a rule");
            String effect = text(rule, "effect", "rule '" + ruleName + "'");
            Rule.Effect parsed;
            try {
                parsed = Rule.Effect.valueOf(effect.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new InvalidDocument(
                        "rule '" + ruleName + "': effect is allow, review, deny or cap, not " + effect);
            }
            rules.add(new Rule(
                    ruleName,
                    parsed,
                    text(rule, "when", "rule '" + ruleName + "'"),
                    rule.path("message").asString(""),
                    rows(rule, ruleName, parsed),
                    approval(rule, ruleName, parsed)));
        }
        return new PolicyDocument(name, root.path("description").asString(""), rules);
    }

    /** This document as JSON, in the form {@link #parse} reads. */
    public String json() {
        var root = JSON.createObjectNode();
        root.put("name", name);
        root.put("description", description);
        var array = root.putArray("rules");
        for (Rule rule : rules) {
            var node = array.addObject()
                    .put("name", rule.name())
                    .put("effect", rule.effect().name().toLowerCase(Locale.ROOT));
            if (rule.effect() == Rule.Effect.CAP) {
                node.put("rows", rule.rows());
            }
            node.put("when", rule.when()).put("message", rule.message());
            ApprovalTerms terms = rule.approval();
            if (terms != null && !terms.equals(ApprovalTerms.DEFAULT)) {
                var approval = node.putObject("approval")
                        .put("by", terms.by().name().toLowerCase(Locale.ROOT))
                        .put("distinct", terms.distinct());
                if (terms.within() != null) {
                    approval.put("within", terms.within().toSeconds());
                }
                approval.put("count_rows", terms.countRows());
            }
        }
        return root.toPrettyString();
    }

    /** Compiles the rules as this policy's {@code version}, enforcing. */
    public Policy compile(long version) throws Policy.InvalidPolicy {
        return compile(version, false);
    }

    /** Compiles the rules as this policy's {@code version}; {@code observing}: it stops nothing. */
    public Policy compile(long version, boolean observing) throws Policy.InvalidPolicy {
        return Policy.compile(name, version, rules).observing(observing);
    }

    /**
     * A review rule's {@code approval}: {@code {"by": "approver" | "owner", "distinct": 1..5,
     * "within": seconds, "count_rows": true}}, each optional; no other rule has one.
     */
    private static ApprovalTerms approval(JsonNode rule, String name, Rule.Effect effect) throws InvalidDocument {
        JsonNode node = rule.path("approval");
        if (node.isMissingNode()) {
            return null;
        }
        String where = "rule '" + name + "': approval";
        if (effect != Rule.Effect.REVIEW) {
            throw new InvalidDocument(where + " is for review rules only");
        }
        if (!node.isObject()) {
            throw new InvalidDocument(where + " is an object");
        }
        for (String field : node.propertyNames()) {
            if (!List.of("by", "distinct", "within", "count_rows").contains(field)) {
                throw new InvalidDocument(where + " has by, distinct, within and count_rows, not " + field);
            }
        }
        String by = node.path("by").asString("approver");
        ApprovalTerms.Approvers approvers;
        switch (by) {
            case "approver" -> approvers = ApprovalTerms.Approvers.APPROVER;
            case "owner" -> approvers = ApprovalTerms.Approvers.OWNER;
            default -> throw new InvalidDocument(where + ": by is approver or owner, not " + by);
        }
        long distinct = wholeNumber(node.path("distinct"), 1, where + ": distinct");
        JsonNode within = node.path("within");
        JsonNode count = node.path("count_rows");
        if (!count.isMissingNode() && !count.isBoolean()) {
            throw new InvalidDocument(where + ": count_rows is true or false");
        }
        try {
            return new ApprovalTerms(
                    approvers,
                    (int) Math.min(distinct, Integer.MAX_VALUE),
                    within.isMissingNode()
                            ? null
                            : java.time.Duration.ofSeconds(wholeNumber(within, 0, where + ": within (seconds)")),
                    count.asBoolean(false));
        } catch (IllegalArgumentException e) {
            throw new InvalidDocument(where + ": " + e.getMessage());
        }
    }

    private static long wholeNumber(JsonNode node, long otherwise, String what) throws InvalidDocument {
        if (node.isMissingNode()) {
            return otherwise;
        }
        if (!node.isIntegralNumber() || !node.canConvertToLong()) {
            throw new InvalidDocument(what + " is a whole number");
        }
        return node.longValue();
    }

    /** A cap's {@code rows}: a whole number from 1; no other rule has one. */
    private static long rows(JsonNode rule, String name, Rule.Effect effect) throws InvalidDocument {
        JsonNode rows = rule.path("rows");
        if (effect != Rule.Effect.CAP) {
            if (!rows.isMissingNode()) {
                throw new InvalidDocument("rule '" + name + "': only a cap has rows");
            }
            return 0;
        }
        if (!rows.isIntegralNumber() || !rows.canConvertToLong() || rows.longValue() < 1) {
            throw new InvalidDocument("rule '" + name + "': a cap needs rows, a whole number from 1");
        }
        return rows.longValue();
    }

    private static String text(JsonNode node, String field, String what) throws InvalidDocument {
        JsonNode value = node.path(field);
        if (!value.isString() || value.stringValue().isBlank()) {
            throw new InvalidDocument(what + " has no " + field);
        }
        return value.stringValue();
    }

    /** JSON that is not a policy. */
    public static final class InvalidDocument extends Exception {
        private static final long serialVersionUID = 1L;

        InvalidDocument(String message) {
            super(message);
        }
    }
}
