package io.vigil.review.campaigns;

import io.vigil.review.usage.Grant;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * An item's evidence as JSON, always written the same way (fields in a fixed order, times in UTC),
 * so its SHA-256 is a fingerprint anyone can recompute from the stored text.
 */
final class EvidenceJson {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private EvidenceJson() {}

    static String write(Evidence e, OffsetDateTime periodStart, OffsetDateTime periodEnd) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("period_start", utc(periodStart));
        m.put("period_end", utc(periodEnd));
        m.put("created_at", utc(e.createdAt()));
        m.put("last_activity", utc(e.lastActivity()));
        m.put("statements", e.statements());
        m.put("ddl", e.ddl());
        m.put("denials", e.denials());
        m.put("policies", e.policies());
        List<Map<String, Object>> grants = new ArrayList<>();
        for (Grant g : e.grants()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("kind", g.kind());
            row.put("object", g.object());
            row.put("privilege", g.privilege());
            row.put("via", g.via());
            grants.add(row);
        }
        m.put("grants", grants);
        m.put("privileges_read_at", utc(e.privilegesReadAt()));
        m.put("privileges_unknown", e.privilegesUnknown());
        List<Map<String, Object>> usage = new ArrayList<>();
        for (RelationUse u : e.usage()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("relation", u.relation());
            row.put("operation", u.operation());
            row.put("statements", u.statements());
            row.put("first_at", utc(u.firstAt()));
            row.put("last_at", utc(u.lastAt()));
            usage.add(row);
        }
        m.put("usage", usage);
        return JSON.writeValueAsString(m);
    }

    static Evidence read(String json) {
        JsonNode n = JSON.readTree(json);
        List<Grant> grants = new ArrayList<>();
        for (JsonNode g : n.path("grants")) {
            grants.add(new Grant(
                    g.path("kind").asString(),
                    g.path("object").asString(),
                    g.path("privilege").asString(),
                    g.path("via").asString()));
        }
        List<RelationUse> usage = new ArrayList<>();
        for (JsonNode u : n.path("usage")) {
            usage.add(new RelationUse(
                    u.path("relation").asString(),
                    u.path("operation").asString(),
                    u.path("statements").asLong(),
                    time(u.path("first_at")),
                    time(u.path("last_at"))));
        }
        return new Evidence(
                time(n.path("created_at")),
                time(n.path("last_activity")),
                n.path("statements").asLong(),
                n.path("ddl").asLong(),
                n.path("denials").asLong(),
                grants,
                usage,
                time(n.path("privileges_read_at")),
                n.path("privileges_unknown").isString()
                        ? n.path("privileges_unknown").asString()
                        : null,
                n.path("policies").valueStream().map(JsonNode::asString).toList());
    }

    static byte[] sha256(String text) {
        return sha256(text.getBytes(StandardCharsets.UTF_8));
    }

    static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String utc(OffsetDateTime t) {
        return t == null ? null : t.withOffsetSameInstant(ZoneOffset.UTC).toString();
    }

    private static OffsetDateTime time(JsonNode n) {
        return n.isNull() || n.isMissingNode() ? null : OffsetDateTime.parse(n.asString());
    }
}
