package io.vigil.proxy.audit;

import io.vigil.proxy.audit.AuditEvent.CancelRequested;
import io.vigil.proxy.audit.AuditEvent.LoginRefused;
import io.vigil.proxy.audit.AuditEvent.PersonActed;
import io.vigil.proxy.audit.AuditEvent.Protocol;
import io.vigil.proxy.audit.AuditEvent.Pruned;
import io.vigil.proxy.audit.AuditEvent.SessionClosed;
import io.vigil.proxy.audit.AuditEvent.SessionOpened;
import io.vigil.proxy.audit.AuditEvent.StatementCompleted;
import io.vigil.proxy.audit.AuditEvent.StatementStarted;
import io.vigil.proxy.sql.StatementKind;
import io.vigil.proxy.sql.StatementShape;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * The canonical encoding of audit events: what the spool holds, what each chain hash covers, and
 * what the verifier re-creates from the store or an export. Every field is written in a fixed order
 * and width (strings and lists length-prefixed, absent values marked), so one event has exactly one
 * encoding. Times are kept to the microsecond, PostgreSQL's precision, so a stored event encodes to
 * the same bytes it was hashed as.
 *
 * <p>Changing this format changes every hash: add a new version byte rather than edit it.
 */
public final class TrailCodec {

    static final byte VERSION = 1;
    /** Version 1 and, for a statement's start, its {@link Judgement} after the other fields. */
    static final byte JUDGED = 2;
    /** Version 2 and, after the judgement, what a policy in observe mode would have done. */
    static final byte OBSERVED = 3;

    private static final byte SESSION_OPENED = 1;
    private static final byte STATEMENT_STARTED = 2;
    private static final byte STATEMENT_COMPLETED = 3;
    private static final byte SESSION_CLOSED = 4;
    private static final byte LOGIN_REFUSED = 5;
    private static final byte CANCEL_REQUESTED = 6;
    private static final byte PERSON_ACTED = 7;

    /** Each thread encodes into its own buffer and copies out the exact bytes. */
    private static final ThreadLocal<Out> SCRATCH = ThreadLocal.withInitial(Out::new);

    private static final int SCRATCH_KEPT = 64 << 10;

    private TrailCodec() {}

    public static byte[] encode(AuditEvent event) {
        return encode(event, 0);
    }

    /** The encoding after {@code gap} zero bytes, for a caller that puts its own header there. */
    static byte[] encode(AuditEvent event, int gap) {
        Out out = SCRATCH.get().reset(gap);
        out.writeByte(version(event));
        {
            switch (event) {
                case SessionOpened e -> {
                    out.writeByte(SESSION_OPENED);
                    uuid(out, e.sessionId());
                    uuid(out, e.agentId());
                    uuid(out, e.targetId());
                    string(out, e.clientAddress());
                    string(out, e.applicationName());
                    string(out, e.onBehalfOf());
                    string(out, e.task());
                    string(out, e.upstreamRole());
                    out.writeBoolean(e.tls());
                    instant(out, e.startedAt());
                }
                case StatementStarted e -> {
                    out.writeByte(STATEMENT_STARTED);
                    uuid(out, e.sessionId());
                    out.writeLong(e.seq());
                    instant(out, e.startedAt());
                    string(out, e.sql());
                    string(out, e.protocol() == Protocol.SIMPLE ? "simple" : "extended");
                    StatementShape shape = e.shape();
                    out.writeBoolean(shape != null);
                    if (shape != null) {
                        string(out, shape.kind().label());
                        string(out, shape.command());
                        list(out, shape.reads());
                        list(out, shape.writes());
                        list(out, shape.functions());
                        string(out, shape.fingerprint());
                    }
                    out.writeBoolean(e.parameters() != null);
                    if (e.parameters() != null) {
                        list(out, e.parameters());
                    }
                    string(out, e.parametersHash());
                    Judgement judgement = e.judgement();
                    if (judgement != null) {
                        string(out, judgement.effect().label());
                        string(out, judgement.policies());
                        string(out, judgement.rule());
                        Judgement.Observation observed = judgement.observed();
                        if (observed != null) {
                            string(out, observed.effect().label());
                            string(out, observed.policy());
                            string(out, observed.rule());
                        }
                    }
                }
                case StatementCompleted e -> {
                    out.writeByte(STATEMENT_COMPLETED);
                    uuid(out, e.sessionId());
                    out.writeLong(e.seq());
                    instant(out, e.startedAt());
                    out.writeLong(e.durationMicros());
                    Outcome o = e.outcome();
                    string(out, o.status().label());
                    string(out, o.commandTag());
                    out.writeBoolean(o.rows() != null);
                    if (o.rows() != null) {
                        out.writeLong(o.rows());
                    }
                    string(out, o.sqlState());
                    string(out, o.errorMessage());
                }
                case SessionClosed e -> {
                    out.writeByte(SESSION_CLOSED);
                    uuid(out, e.sessionId());
                    instant(out, e.endedAt());
                    string(out, e.reason());
                }
                case LoginRefused e -> {
                    out.writeByte(LOGIN_REFUSED);
                    uuid(out, e.sessionId());
                    instant(out, e.at());
                    string(out, e.user());
                    out.writeBoolean(e.agentId() != null);
                    if (e.agentId() != null) {
                        uuid(out, e.agentId());
                    }
                    string(out, e.clientAddress());
                    string(out, e.applicationName());
                    string(out, e.database());
                    string(out, e.sqlState());
                    string(out, e.reason());
                }
                case Pruned e -> throw new IllegalArgumentException("a pruned record has no content left to encode");
                case CancelRequested e -> {
                    out.writeByte(CANCEL_REQUESTED);
                    uuid(out, e.sessionId());
                    instant(out, e.at());
                    out.writeLong(e.seq());
                    string(out, e.clientAddress());
                }
                case PersonActed e -> {
                    out.writeByte(PERSON_ACTED);
                    uuid(out, e.sessionId());
                    instant(out, e.at());
                    string(out, e.actor());
                    string(out, e.action());
                    string(out, e.subjectKind());
                    out.writeBoolean(e.subjectId() != null);
                    if (e.subjectId() != null) {
                        uuid(out, e.subjectId());
                    }
                    string(out, e.subjectName());
                    string(out, e.detail());
                }
            }
        }
        byte[] encoded = out.toByteArray();
        if (out.bytes.length > SCRATCH_KEPT) {
            SCRATCH.remove(); // a huge statement's buffer is not kept for the thread's life
        }
        return encoded;
    }

    /**
     * The oldest version that holds the event: a record made before guardrails keeps version 1, a
     * judged one without an observation version 2, so their bytes, and so their hashes, are
     * unchanged.
     */
    private static byte version(AuditEvent event) {
        if (event instanceof StatementStarted s && s.judgement() != null) {
            return s.judgement().observed() != null ? OBSERVED : JUDGED;
        }
        return VERSION;
    }

    /** @throws IllegalArgumentException if {@code bytes} is not one encoded event */
    public static AuditEvent decode(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(bytes))) {
            byte version = in.readByte();
            if (version != VERSION && version != JUDGED && version != OBSERVED) {
                throw new IllegalArgumentException("unknown trail encoding version");
            }
            AuditEvent event =
                    switch (in.readByte()) {
                        case SESSION_OPENED ->
                            new SessionOpened(
                                    uuid(in),
                                    uuid(in),
                                    uuid(in),
                                    string(in),
                                    string(in),
                                    string(in),
                                    string(in),
                                    string(in),
                                    in.readBoolean(),
                                    instant(in));
                        case STATEMENT_STARTED -> {
                            UUID session = uuid(in);
                            long seq = in.readLong();
                            Instant at = instant(in);
                            String sql = string(in);
                            Protocol protocol = Protocol.valueOf(string(in).toUpperCase(Locale.ROOT));
                            StatementShape shape = in.readBoolean()
                                    ? new StatementShape(
                                            StatementKind.ofLabel(string(in)),
                                            string(in),
                                            sql,
                                            list(in),
                                            list(in),
                                            list(in),
                                            string(in),
                                            null)
                                    : null;
                            List<String> parameters = in.readBoolean() ? list(in) : null;
                            String hash = string(in);
                            Judgement judgement = version >= JUDGED
                                    ? new Judgement(
                                            Judgement.Effect.ofLabel(string(in)),
                                            string(in),
                                            string(in),
                                            version == OBSERVED
                                                    ? new Judgement.Observation(
                                                            Judgement.Effect.ofLabel(string(in)),
                                                            string(in),
                                                            string(in))
                                                    : null)
                                    : null;
                            yield new StatementStarted(
                                    session, seq, at, sql, protocol, shape, parameters, hash, judgement);
                        }
                        case STATEMENT_COMPLETED -> {
                            UUID session = uuid(in);
                            long seq = in.readLong();
                            Instant at = instant(in);
                            long duration = in.readLong();
                            Outcome.Status status = Outcome.Status.ofLabel(string(in));
                            String tag = string(in);
                            Long rows = in.readBoolean() ? in.readLong() : null;
                            yield new StatementCompleted(
                                    session, seq, at, duration, new Outcome(status, tag, rows, string(in), string(in)));
                        }
                        case SESSION_CLOSED -> new SessionClosed(uuid(in), instant(in), string(in));
                        case LOGIN_REFUSED ->
                            new LoginRefused(
                                    uuid(in),
                                    instant(in),
                                    string(in),
                                    in.readBoolean() ? uuid(in) : null,
                                    string(in),
                                    string(in),
                                    string(in),
                                    string(in),
                                    string(in));
                        case CANCEL_REQUESTED -> new CancelRequested(uuid(in), instant(in), in.readLong(), string(in));
                        case PERSON_ACTED ->
                            new PersonActed(
                                    uuid(in),
                                    instant(in),
                                    string(in),
                                    string(in),
                                    string(in),
                                    in.readBoolean() ? uuid(in) : null,
                                    string(in),
                                    string(in));
                        default -> throw new IllegalArgumentException("unknown trail event type");
                    };
            if (in.available() > 0) {
                throw new IllegalArgumentException("trailing bytes after a trail event");
            }
            return event;
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("not a trail event: " + e.getMessage(), e);
        }
    }

    private static void uuid(Out out, UUID id) {
        out.writeLong(id.getMostSignificantBits());
        out.writeLong(id.getLeastSignificantBits());
    }

    private static UUID uuid(DataInputStream in) throws IOException {
        return new UUID(in.readLong(), in.readLong());
    }

    private static void instant(Out out, Instant at) {
        out.writeLong(ChronoUnit.MICROS.between(Instant.EPOCH, at));
    }

    private static Instant instant(DataInputStream in) throws IOException {
        return Instant.EPOCH.plus(in.readLong(), ChronoUnit.MICROS);
    }

    private static void string(Out out, String s) {
        if (s == null) {
            out.writeInt(-1);
            return;
        }
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(utf8.length);
        out.write(utf8);
    }

    private static String string(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length == -1) {
            return null;
        }
        if (length < 0 || length > in.available()) {
            throw new IOException("bad string length " + length);
        }
        return new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }

    private static void list(Out out, List<String> values) {
        out.writeInt(values.size());
        for (String value : values) {
            string(out, value);
        }
    }

    private static List<String> list(DataInputStream in) throws IOException {
        int count = in.readInt();
        if (count < 0 || count > in.available() / 4) {
            throw new IOException("bad list length " + count);
        }
        List<String> values = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            values.add(string(in));
        }
        return values;
    }

    /**
     * What DataOutputStream over a ByteArrayOutputStream wrote (big-endian, a boolean as one byte),
     * without their locks: the gateway encodes two events per statement on its event loops.
     */
    private static final class Out {
        private byte[] bytes = new byte[512];
        private int length;

        /** Empty but for {@code gap} zero bytes. */
        Out reset(int gap) {
            length = 0;
            ensure(gap);
            Arrays.fill(bytes, 0, gap, (byte) 0);
            length = gap;
            return this;
        }

        void writeByte(int value) {
            ensure(1);
            bytes[length++] = (byte) value;
        }

        void writeBoolean(boolean value) {
            writeByte(value ? 1 : 0);
        }

        void writeInt(int value) {
            ensure(4);
            for (int shift = 24; shift >= 0; shift -= 8) {
                bytes[length++] = (byte) (value >>> shift);
            }
        }

        void writeLong(long value) {
            ensure(8);
            for (int shift = 56; shift >= 0; shift -= 8) {
                bytes[length++] = (byte) (value >>> shift);
            }
        }

        void write(byte[] value) {
            ensure(value.length);
            System.arraycopy(value, 0, bytes, length, value.length);
            length += value.length;
        }

        byte[] toByteArray() {
            return Arrays.copyOf(bytes, length);
        }

        private void ensure(int more) {
            if (length + more > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + more));
            }
        }
    }
}
