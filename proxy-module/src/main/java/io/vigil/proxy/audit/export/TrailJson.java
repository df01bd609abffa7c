package io.vigil.proxy.audit.export;

import io.vigil.proxy.audit.AuditEvent;
import io.vigil.proxy.audit.AuditEvent.CancelRequested;
import io.vigil.proxy.audit.AuditEvent.LoginRefused;
import io.vigil.proxy.audit.AuditEvent.PersonActed;
import io.vigil.proxy.audit.AuditEvent.Protocol;
import io.vigil.proxy.audit.AuditEvent.Pruned;
import io.vigil.proxy.audit.AuditEvent.SessionClosed;
import io.vigil.proxy.audit.AuditEvent.SessionOpened;
import io.vigil.proxy.audit.AuditEvent.StatementCompleted;
import io.vigil.proxy.audit.AuditEvent.StatementStarted;
import io.vigil.proxy.audit.Checkpoint;
import io.vigil.proxy.audit.Judgement;
import io.vigil.proxy.audit.Outcome;
import io.vigil.proxy.audit.TrailRecord;
import io.vigil.proxy.sql.StatementKind;
import io.vigil.proxy.sql.StatementShape;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * One JSON object per line for each record and checkpoint: what a SIEM ingests and what {@code
 * vigil audit verify --export} checks. Every field of the event is there, absent ones as null, so
 * the verifier re-creates the exact encoding that was hashed; times are ISO-8601 to the microsecond.
 *
 * <pre>
 * {"type":"statement_started","session":"…","index":3,"hash":"…","spool":"…","leaf":812,
 *  "seq":2,"at":"2026-11-21T10:00:00.123456Z","sql":"select …","protocol":"simple","kind":"read",…}
 * {"type":"checkpoint","spool":"…","size":813,"root":"…","signed_at":"…","key_id":"…","signature":"…"}
 * </pre>
 */
public final class TrailJson {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HexFormat HEX = HexFormat.of();

    private TrailJson() {}

    public static String line(TrailRecord r) {
        ObjectNode o = JSON.createObjectNode();
        o.put("type", type(r.event()));
        o.put("session", r.sessionId().toString());
        o.put("index", r.chainIndex());
        o.put("hash", HEX.formatHex(r.storedHash()));
        o.put("spool", r.spoolId() == null ? null : r.spoolId().toString());
        o.put("leaf", r.leaf());
        switch (r.event()) {
            case SessionOpened e -> {
                o.put("agent", e.agentId().toString());
                o.put("target", e.targetId().toString());
                o.put("client_address", e.clientAddress());
                o.put("application_name", e.applicationName());
                o.put("on_behalf_of", e.onBehalfOf());
                o.put("task", e.task());
                o.put("upstream_role", e.upstreamRole());
                o.put("tls", e.tls());
                o.put("at", e.startedAt().toString());
            }
            case StatementStarted e -> {
                o.put("seq", e.seq());
                o.put("at", e.startedAt().toString());
                o.put("sql", e.sql());
                o.put("protocol", e.protocol().name().toLowerCase(Locale.ROOT));
                StatementShape shape = e.shape();
                o.put("kind", shape == null ? null : shape.kind().label());
                if (shape != null) {
                    o.put("command", shape.command());
                    o.set("reads", array(shape.reads()));
                    o.set("writes", array(shape.writes()));
                    o.set("functions", array(shape.functions()));
                    o.put("fingerprint", shape.fingerprint());
                }
                o.set("parameters", e.parameters() == null ? null : array(e.parameters()));
                o.put("parameters_hash", e.parametersHash());
                Judgement judgement = e.judgement();
                if (judgement != null) {
                    o.put("verdict", judgement.effect().label());
                    o.put("policies", judgement.policies());
                    o.put("rule", judgement.rule());
                    if (judgement.observed() != null) {
                        o.put("observed_verdict", judgement.observed().effect().label());
                        o.put("observed_policy", judgement.observed().policy());
                        o.put("observed_rule", judgement.observed().rule());
                    }
                }
            }
            case StatementCompleted e -> {
                o.put("seq", e.seq());
                o.put("at", e.startedAt().toString());
                o.put("duration_us", e.durationMicros());
                o.put("outcome", e.outcome().status().label());
                o.put("command_tag", e.outcome().commandTag());
                o.put("rows", e.outcome().rows());
                o.put("sqlstate", e.outcome().sqlState());
                o.put("error_message", e.outcome().errorMessage());
            }
            case SessionClosed e -> {
                o.put("at", e.endedAt().toString());
                o.put("reason", e.reason());
            }
            case LoginRefused e -> {
                o.put("at", e.at().toString());
                o.put("user", e.user());
                o.put("agent", e.agentId() == null ? null : e.agentId().toString());
                o.put("client_address", e.clientAddress());
                o.put("application_name", e.applicationName());
                o.put("database", e.database());
                o.put("sqlstate", e.sqlState());
                o.put("reason", e.reason());
            }
            case Pruned e -> o.put("before", e.before().toString());
            case CancelRequested e -> {
                o.put("at", e.at().toString());
                o.put("seq", e.seq());
                o.put("client_address", e.clientAddress());
            }
            case PersonActed e -> {
                o.put("at", e.at().toString());
                o.put("actor", e.actor());
                o.put("action", e.action());
                o.put("subject_kind", e.subjectKind());
                o.put("subject_id", e.subjectId() == null ? null : e.subjectId().toString());
                o.put("subject_name", e.subjectName());
                o.put("detail", e.detail());
            }
        }
        return JSON.writeValueAsString(o);
    }

    public static String line(Checkpoint c) {
        ObjectNode o = JSON.createObjectNode();
        o.put("type", "checkpoint");
        o.put("spool", c.spoolId().toString());
        o.put("size", c.treeSize());
        o.put("root", HEX.formatHex(c.root()));
        o.put("signed_at", c.signedAt().toString());
        o.put("key_id", c.keyId());
        o.put("signature", Base64.getEncoder().encodeToString(c.signature()));
        return JSON.writeValueAsString(o);
    }

    /**
     * @return a {@link TrailRecord} or a {@link Checkpoint}
     * @throws IllegalArgumentException if the line is neither
     */
    public static Object parse(String line) {
        JsonNode o = JSON.readTree(line);
        String type = text(o, "type");
        if ("checkpoint".equals(type)) {
            return new Checkpoint(
                    UUID.fromString(text(o, "spool")),
                    o.required("size").asLong(),
                    HEX.parseHex(text(o, "root")),
                    Instant.parse(text(o, "signed_at")),
                    text(o, "key_id"),
                    Base64.getDecoder().decode(text(o, "signature")));
        }
        UUID session = UUID.fromString(text(o, "session"));
        AuditEvent event =
                switch (type == null ? "" : type) {
                    case "session_opened" ->
                        new SessionOpened(
                                session,
                                UUID.fromString(text(o, "agent")),
                                UUID.fromString(text(o, "target")),
                                text(o, "client_address"),
                                text(o, "application_name"),
                                text(o, "on_behalf_of"),
                                text(o, "task"),
                                text(o, "upstream_role"),
                                o.required("tls").asBoolean(),
                                Instant.parse(text(o, "at")));
                    case "statement_started" -> started(session, o);
                    case "statement_completed" ->
                        new StatementCompleted(
                                session,
                                o.required("seq").asLong(),
                                Instant.parse(text(o, "at")),
                                o.required("duration_us").asLong(),
                                new Outcome(
                                        Outcome.Status.ofLabel(text(o, "outcome")),
                                        text(o, "command_tag"),
                                        o.path("rows").isNull()
                                                ? null
                                                : o.path("rows").asLong(),
                                        text(o, "sqlstate"),
                                        text(o, "error_message")));
                    case "session_closed" ->
                        new SessionClosed(session, Instant.parse(text(o, "at")), text(o, "reason"));
                    case "login_refused" ->
                        new LoginRefused(
                                session,
                                Instant.parse(text(o, "at")),
                                text(o, "user"),
                                text(o, "agent") == null ? null : UUID.fromString(text(o, "agent")),
                                text(o, "client_address"),
                                text(o, "application_name"),
                                text(o, "database"),
                                text(o, "sqlstate"),
                                text(o, "reason"));
                    case "pruned" -> new Pruned(session, Instant.parse(text(o, "before")));
                    case "cancel_requested" ->
                        new CancelRequested(
                                session,
                                Instant.parse(text(o, "at")),
                                o.required("seq").asLong(),
                                text(o, "client_address"));
                    case "person_acted" ->
                        new PersonActed(
                                session,
                                Instant.parse(text(o, "at")),
                                text(o, "actor"),
                                text(o, "action"),
                                text(o, "subject_kind"),
                                text(o, "subject_id") == null ? null : UUID.fromString(text(o, "subject_id")),
                                text(o, "subject_name"),
                                text(o, "detail"));
                    default -> throw new IllegalArgumentException("unknown record type " + type);
                };
        String spool = text(o, "spool");
        return new TrailRecord(
                spool == null ? null : UUID.fromString(spool),
                o.path("leaf").isNull() || o.path("leaf").isMissingNode()
                        ? null
                        : o.path("leaf").asLong(),
                o.required("index").asInt(),
                HEX.parseHex(text(o, "hash")),
                event);
    }

    private static StatementStarted started(UUID session, JsonNode o) {
        String sql = text(o, "sql");
        String kind = text(o, "kind");
        StatementShape shape = kind == null
                ? null
                : new StatementShape(
                        StatementKind.ofLabel(kind),
                        text(o, "command"),
                        sql,
                        list(o.path("reads")),
                        list(o.path("writes")),
                        list(o.path("functions")),
                        text(o, "fingerprint"),
                        null);
        return new StatementStarted(
                session,
                o.required("seq").asLong(),
                Instant.parse(text(o, "at")),
                sql,
                Protocol.valueOf(text(o, "protocol").toUpperCase(Locale.ROOT)),
                shape,
                o.path("parameters").isArray() ? list(o.path("parameters")) : null,
                text(o, "parameters_hash"),
                text(o, "verdict") == null
                        ? null
                        : new Judgement(
                                Judgement.Effect.ofLabel(text(o, "verdict")),
                                text(o, "policies"),
                                text(o, "rule"),
                                text(o, "observed_verdict") == null
                                        ? null
                                        : new Judgement.Observation(
                                                Judgement.Effect.ofLabel(text(o, "observed_verdict")),
                                                text(o, "observed_policy"),
                                                text(o, "observed_rule"))));
    }

    private static String type(AuditEvent event) {
        return switch (event) {
            case SessionOpened e -> "session_opened";
            case StatementStarted e -> "statement_started";
            case StatementCompleted e -> "statement_completed";
            case SessionClosed e -> "session_closed";
            case LoginRefused e -> "login_refused";
            case CancelRequested e -> "cancel_requested";
            case PersonActed e -> "person_acted";
            case Pruned e -> "pruned";
        };
    }

    private static ArrayNode array(List<String> values) {
        ArrayNode array = JSON.createArrayNode();
        values.forEach(array::add);
        return array;
    }

    private static List<String> list(JsonNode array) {
        List<String> values = new ArrayList<>();
        for (JsonNode value : array) {
            values.add(value.isNull() ? null : value.asString());
        }
        return values;
    }

    /** A string field, or null when it is null or absent. */
    private static String text(JsonNode o, String field) {
        JsonNode value = o.path(field);
        return value.isNull() || value.isMissingNode() ? null : value.asString();
    }
}
