package io.vigil.proxy.audit;

import io.vigil.proxy.audit.AuditEvent.CancelRequested;
import io.vigil.proxy.audit.AuditEvent.LoginRefused;
import io.vigil.proxy.audit.AuditEvent.PersonActed;
import io.vigil.proxy.audit.AuditEvent.Pruned;
import io.vigil.proxy.audit.AuditEvent.SessionClosed;
import io.vigil.proxy.audit.AuditEvent.SessionOpened;
import io.vigil.proxy.audit.AuditEvent.StatementCompleted;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

/**
 * How each kind of trail record is kept in Vigil's store, both ways: its table, its columns and the
 * value each takes, and how the record is made again from a row. The shipper writes with it, the
 * store's reader (verification, export, evidence packs) reads with it, so a field added to a kind is
 * added here once. A statement's start and outcome share one row written by COPY: both ways of it
 * are in {@link StatementCopy}. A pruned record is written by the store itself (retention).
 */
public final class TrailTables {

    private TrailTables() {}

    /** Where a row's record sits in the trail, and so which of the trail's columns it has. */
    public enum Placement {
        /** The first record of a chain of its own (index 0), with its spool. */
        CHAIN_START(List.of("chain_hash", "spool_id", "leaf")),
        /** A later record of a session's chain; its spool is the session's. */
        IN_CHAIN(List.of("chain_index", "chain_hash", "leaf")),
        /** Kept in place of a record retention removed, with its spool. */
        PRUNED(List.of("chain_index", "chain_hash", "spool_id", "leaf"));

        private final List<String> columns;

        Placement(List<String> columns) {
            this.columns = columns;
        }
    }

    /** A row as read back, by column name. */
    public interface Row {
        UUID uuid(String column);

        String text(String column);

        Instant instant(String column);

        Long int8(String column);

        Integer int4(String column);

        Boolean bool(String column);

        byte[] bytes(String column);

        /** A text array as a list (elements may be null), null if the column is. */
        List<String> texts(String column);
    }

    private record Column<E>(String name, Function<E, Object> value) {}

    private static <E> Column<E> column(String name, Function<E, Object> value) {
        return new Column<>(name, value);
    }

    /** One kind's table. */
    public static final class Table<E extends AuditEvent> {
        private final String name;
        private final String sessionColumn;
        private final Placement placement;
        private final List<Column<E>> columns;
        private final Function<Row, E> reader;
        private final String insert;
        private final String select;

        private Table(
                String name,
                String sessionColumn,
                Placement placement,
                List<Column<E>> columns,
                Function<Row, E> reader) {
            this.name = name;
            this.sessionColumn = sessionColumn;
            this.placement = placement;
            this.columns = columns;
            this.reader = reader;
            List<String> all = new ArrayList<>();
            columns.forEach(c -> all.add(c.name()));
            all.addAll(placement.columns);
            this.insert = "insert into " + name + " (" + String.join(", ", all) + ") values ("
                    + "?, ".repeat(all.size() - 1) + "?)";
            this.select = "select " + String.join(", ", all) + " from " + name;
        }

        /** The prepared insert of one row. */
        String insert() {
            return insert;
        }

        /** The values of {@link #insert()} for {@code event}, sealed as {@code link} at {@code leaf}. */
        Object[] values(E event, TrailChain.Link link, UUID spool, long leaf) {
            List<Object> values = new ArrayList<>(columns.size() + 4);
            columns.forEach(c -> values.add(c.value().apply(event)));
            for (String trail : placement.columns) {
                values.add(
                        switch (trail) {
                            case "chain_index" -> link.index();
                            case "chain_hash" -> link.hash();
                            case "spool_id" -> spool;
                            default -> leaf;
                        });
            }
            return values.toArray();
        }

        /** Every row's columns, {@code where} the session column is the one a reader asks for. */
        public String select() {
            return select;
        }

        /** The column that names the chain a row belongs to. */
        public String sessionColumn() {
            return sessionColumn;
        }

        public String name() {
            return name;
        }

        /**
         * The record a row holds.
         *
         * @param sessionSpool the spool of the row's session, for records that do not name their own
         */
        public TrailRecord read(Row row, Function<UUID, UUID> sessionSpool) {
            E event = reader.apply(row);
            return switch (placement) {
                case CHAIN_START ->
                    new TrailRecord(row.uuid("spool_id"), row.int8("leaf"), 0, row.bytes("chain_hash"), event);
                case IN_CHAIN ->
                    new TrailRecord(
                            sessionSpool.apply(event.sessionId()),
                            row.int8("leaf"),
                            row.int4("chain_index"),
                            row.bytes("chain_hash"),
                            event);
                case PRUNED ->
                    new TrailRecord(
                            row.uuid("spool_id"),
                            row.int8("leaf"),
                            row.int4("chain_index"),
                            row.bytes("chain_hash"),
                            event);
            };
        }
    }

    public static final Table<SessionOpened> SESSION = new Table<>(
            "vigil.session",
            "id",
            Placement.CHAIN_START,
            List.of(
                    column("id", SessionOpened::sessionId),
                    column("agent_id", SessionOpened::agentId),
                    column("target_id", SessionOpened::targetId),
                    column("client_addr", SessionOpened::clientAddress),
                    column("application_name", SessionOpened::applicationName),
                    column("on_behalf_of", SessionOpened::onBehalfOf),
                    column("task", SessionOpened::task),
                    column("upstream_role", SessionOpened::upstreamRole),
                    column("tls", SessionOpened::tls),
                    column("started_at", SessionOpened::startedAt)),
            r -> new SessionOpened(
                    r.uuid("id"),
                    r.uuid("agent_id"),
                    r.uuid("target_id"),
                    r.text("client_addr"),
                    r.text("application_name"),
                    r.text("on_behalf_of"),
                    r.text("task"),
                    r.text("upstream_role"),
                    r.bool("tls"),
                    r.instant("started_at")));

    /** An outcome that arrived after its statement's row was written. */
    public static final Table<StatementCompleted> LATE_OUTCOME = new Table<>(
            "vigil.statement_outcome",
            "session_id",
            Placement.IN_CHAIN,
            List.of(
                    column("session_id", StatementCompleted::sessionId),
                    column("seq", StatementCompleted::seq),
                    column("started_at", StatementCompleted::startedAt),
                    column("duration_us", StatementCompleted::durationMicros),
                    column("outcome", e -> e.outcome().status().label()),
                    column("command_tag", e -> e.outcome().commandTag()),
                    column("row_count", e -> e.outcome().rows()),
                    column("sqlstate", e -> e.outcome().sqlState()),
                    column("error_message", e -> e.outcome().errorMessage())),
            r -> new StatementCompleted(
                    r.uuid("session_id"), r.int8("seq"), r.instant("started_at"), r.int8("duration_us"), outcome(r)));

    public static final Table<SessionClosed> SESSION_END = new Table<>(
            "vigil.session_end",
            "session_id",
            Placement.IN_CHAIN,
            List.of(
                    column("session_id", SessionClosed::sessionId),
                    column("ended_at", SessionClosed::endedAt),
                    column("reason", SessionClosed::reason)),
            r -> new SessionClosed(r.uuid("session_id"), r.instant("ended_at"), r.text("reason")));

    public static final Table<CancelRequested> CANCEL_REQUEST = new Table<>(
            "vigil.cancel_request",
            "session_id",
            Placement.IN_CHAIN,
            List.of(
                    column("session_id", CancelRequested::sessionId),
                    column("requested_at", CancelRequested::at),
                    column("seq", CancelRequested::seq),
                    column("client_addr", CancelRequested::clientAddress)),
            r -> new CancelRequested(
                    r.uuid("session_id"), r.instant("requested_at"), r.int8("seq"), r.text("client_addr")));

    public static final Table<LoginRefused> LOGIN_REFUSAL = new Table<>(
            "vigil.login_refusal",
            "id",
            Placement.CHAIN_START,
            List.of(
                    column("id", LoginRefused::sessionId),
                    column("attempted_at", LoginRefused::at),
                    column("user_name", LoginRefused::user),
                    column("agent_id", LoginRefused::agentId),
                    column("client_addr", LoginRefused::clientAddress),
                    column("application_name", LoginRefused::applicationName),
                    column("database_name", LoginRefused::database),
                    column("sqlstate", LoginRefused::sqlState),
                    column("reason", LoginRefused::reason)),
            r -> new LoginRefused(
                    r.uuid("id"),
                    r.instant("attempted_at"),
                    r.text("user_name"),
                    r.uuid("agent_id"),
                    r.text("client_addr"),
                    r.text("application_name"),
                    r.text("database_name"),
                    r.text("sqlstate"),
                    r.text("reason")));

    public static final Table<PersonActed> PERSON_ACTION = new Table<>(
            "vigil.person_action",
            "id",
            Placement.CHAIN_START,
            List.of(
                    column("id", PersonActed::sessionId),
                    column("acted_at", PersonActed::at),
                    column("actor", PersonActed::actor),
                    column("action", PersonActed::action),
                    column("subject_kind", PersonActed::subjectKind),
                    column("subject_id", PersonActed::subjectId),
                    column("subject_name", PersonActed::subjectName),
                    column("detail", PersonActed::detail)),
            r -> new PersonActed(
                    r.uuid("id"),
                    r.instant("acted_at"),
                    r.text("actor"),
                    r.text("action"),
                    r.text("subject_kind"),
                    r.uuid("subject_id"),
                    r.text("subject_name"),
                    r.text("detail")));

    /** Read only: retention writes these in the store. */
    public static final Table<Pruned> PRUNED = new Table<>(
            "vigil.trail_pruned",
            "session_id",
            Placement.PRUNED,
            List.of(column("session_id", Pruned::sessionId), column("before", Pruned::before)),
            r -> new Pruned(r.uuid("session_id"), r.instant("before")));

    /** Every table but the statements', read by the store's reader. */
    public static final List<Table<?>> ALL =
            List.of(SESSION, LATE_OUTCOME, SESSION_END, CANCEL_REQUEST, LOGIN_REFUSAL, PERSON_ACTION, PRUNED);

    /** An outcome as {@code statement_outcome} and {@code statement} both keep it. */
    static Outcome outcome(Row r) {
        return new Outcome(
                Outcome.Status.ofLabel(r.text("outcome")),
                r.text("command_tag"),
                r.int8("row_count"),
                r.text("sqlstate"),
                r.text("error_message"));
    }
}
