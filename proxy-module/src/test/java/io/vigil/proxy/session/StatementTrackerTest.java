package io.vigil.proxy.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.proxy.audit.AuditEvent;
import io.vigil.proxy.audit.AuditEvent.Protocol;
import io.vigil.proxy.audit.AuditEvent.StatementCompleted;
import io.vigil.proxy.audit.AuditEvent.StatementStarted;
import io.vigil.proxy.audit.Outcome;
import io.vigil.proxy.sql.SharedAnalyzer;
import io.vigil.proxy.sql.SqlAnalysis.Refused;
import io.vigil.proxy.sql.SqlAnalysis.Understood;
import io.vigil.proxy.sql.SqlAnalyzer;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Conversations as a client and a server would have them, and what the trail must say about each
 * statement. Steps are written as "F:..." for what the client sent and "B:..." for what the server
 * answered.
 */
class StatementTrackerTest {

    static Stream<Arguments> conversations() {
        return Stream.of(
                Arguments.of(
                        "simple query",
                        List.of("F:Q select 1", "B:D", "B:C SELECT 1", "B:Z"),
                        List.of("select 1 | simple | read | completed SELECT 1 | 1")),
                Arguments.of(
                        "simple query with two statements: one record each, with its own tag",
                        List.of("F:Q insert into t values (1); delete from t", "B:C INSERT 0 1", "B:C DELETE 1", "B:Z"),
                        List.of(
                                "insert into t values (1) | simple | write | completed INSERT 0 1 | 1",
                                "delete from t | simple | write | completed DELETE 1 | 1")),
                Arguments.of(
                        "an error in the middle of a simple query skips the rest of it",
                        List.of("F:Q select 1; select 1/0; select 2", "B:C SELECT 1", "B:E 22012", "B:Z"),
                        List.of(
                                "select 1 | simple | read | completed SELECT 1 | 1",
                                "select 1/0 | simple | read | failed 22012 | null",
                                "select 2 | simple | read | skipped | null")),
                Arguments.of("empty query records nothing", List.of("F:Q  ; ", "B:I", "B:Z"), List.of()),
                Arguments.of(
                        "unparsable simple query is refused, and the target's answer to the substitute replaced",
                        List.of("F:Q selec 1", "B:E! 42601", "B:Z"),
                        List.of("selec 1 | simple | null | refused 42601 | null")),
                Arguments.of(
                        "EXECUTE is recorded as what it runs",
                        List.of(
                                "F:Q prepare p as delete from t",
                                "B:C PREPARE",
                                "B:Z",
                                "F:Q execute p",
                                "B:C DELETE 3",
                                "B:Z"),
                        List.of(
                                "prepare p as delete from t | simple | write | completed PREPARE | null",
                                "execute p | simple | write | completed DELETE 3 | 3")),
                Arguments.of(
                        "unnamed extended query",
                        List.of("F:P  select $1", "F:B  ", "F:E ", "F:S", "B:1", "B:2", "B:D", "B:C SELECT 1", "B:Z"),
                        List.of("select $1 | extended | read | completed SELECT 1 | 1")),
                Arguments.of(
                        "named statement executed twice through two portals",
                        List.of(
                                "F:P s1 update t set a = $1",
                                "F:B p1 s1",
                                "F:E p1",
                                "F:B p2 s1",
                                "F:E p2",
                                "F:S",
                                "B:C UPDATE 2",
                                "B:C UPDATE 0",
                                "B:Z"),
                        List.of(
                                "update t set a = $1 | extended | write | completed UPDATE 2 | 2",
                                "update t set a = $1 | extended | write | completed UPDATE 0 | 0")),
                Arguments.of(
                        "error in a pipeline skips the rest until Sync",
                        List.of(
                                "F:P a insert into t values (1)",
                                "F:B  a",
                                "F:E ",
                                "F:P b insert into t values (2)",
                                "F:B  b",
                                "F:E ",
                                "F:S",
                                "B:E 23505",
                                "B:Z"),
                        List.of(
                                "insert into t values (1) | extended | write | failed 23505 | null",
                                "insert into t values (2) | extended | write | skipped | null")),
                Arguments.of(
                        "a refused Parse in a pipeline: what ran before it stands, what follows it is skipped",
                        List.of(
                                "F:P a insert into t values (1)",
                                "F:B  a",
                                "F:E ",
                                "F:P b selec 2",
                                "F:B  b",
                                "F:E ",
                                "F:S",
                                "B:C INSERT 0 1",
                                "B:E! 42601",
                                "B:Z"),
                        List.of(
                                "selec 2 | extended | null | refused 42601 | null",
                                "insert into t values (1) | extended | write | completed INSERT 0 1 | 1",
                                "selec 2 | extended | null | skipped | null")),
                Arguments.of(
                        "a Parse error at the target is the outcome of the statement it prepared",
                        List.of("F:P  select * from missing", "F:B  ", "F:E ", "F:S", "B:E 42P01", "B:Z"),
                        List.of("select * from missing | extended | read | failed 42P01 | null")),
                Arguments.of(
                        "a failed prepare without Execute records nothing",
                        List.of("F:P s select * from missing", "F:S", "B:E 42P01", "B:Z"),
                        List.of()),
                Arguments.of(
                        "portal suspended by a row limit",
                        List.of("F:P s select x from t", "F:B c s", "F:E c", "F:S", "B:D", "B:D", "B:s", "B:Z"),
                        List.of("select x from t | extended | read | completed PORTAL SUSPENDED | 2")),
                Arguments.of(
                        "closing a statement forgets it",
                        List.of("F:P s select 1", "F:C s", "F:B  s", "F:E ", "F:S", "B:E 26000", "B:Z"),
                        List.of("-- unknown prepared statement \"s\" | extended | null | failed 26000 | null")),
                Arguments.of(
                        "a simple query after an extended pipeline",
                        List.of(
                                "F:P  select 1",
                                "F:B  ",
                                "F:E ",
                                "F:S",
                                "F:Q select 2",
                                "B:C SELECT 1",
                                "B:Z",
                                "B:C SELECT 1",
                                "B:Z"),
                        List.of(
                                "select 1 | extended | read | completed SELECT 1 | 1",
                                "select 2 | simple | read | completed SELECT 1 | 1")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("conversations")
    void recordsTheOutcomeOfEveryStatement(String name, List<String> steps, List<String> expected) {
        AtomicLong nanos = new AtomicLong();
        StatementTracker tracker =
                new StatementTracker(UUID.randomUUID(), InstantSource.fixed(Instant.EPOCH), nanos::get, false);
        List<StatementStarted> started = new ArrayList<>();
        List<StatementCompleted> completed = new ArrayList<>();
        for (String step : steps) {
            nanos.addAndGet(1_000);
            apply(tracker, step, started, completed);
        }
        List<String> actual = completed.stream()
                .map(c -> describe(started.get((int) c.seq() - 1), c.outcome()))
                .toList();
        assertThat(actual).containsExactlyElementsOf(expected);
        assertThat(tracker.inFlight()).isZero();
        assertThat(completed)
                .filteredOn(c -> c.outcome().status() != Outcome.Status.REFUSED)
                .allSatisfy(c -> assertThat(c.durationMicros()).isPositive());
    }

    private static void apply(
            StatementTracker t, String step, List<StatementStarted> started, List<StatementCompleted> completed) {
        String kind = step.substring(2, step.indexOf(' ') > 0 ? step.indexOf(' ') : step.length());
        String rest = step.length() > kind.length() + 3 ? step.substring(kind.length() + 3) : "";
        String[] words = rest.split(" ", 2);
        List<AuditEvent> events = new ArrayList<>();
        switch (step.substring(0, 2) + kind) {
            case "F:Q" ->
                events.addAll(
                        analyzer.analyze(rest) instanceof Refused r
                                ? t.refuseQuery(rest, r).events()
                                : t.query((Understood) analyzer.analyze(rest)).events());
            case "F:P" -> {
                String sql = words.length > 1 ? words[1] : "";
                events.addAll(t.parse(words[0], sql, analyzer.analyze(sql)).events());
            }
            case "F:B" -> t.bind(words[0], words.length > 1 ? words[1] : "", List.of());
            case "F:E" -> events.addAll(t.execute(rest).events());
            case "F:C" -> t.closeStatement(rest);
            case "F:S" -> t.sync();
            case "B:D" -> t.dataRow();
            case "B:C" -> events.addAll(t.commandComplete(rest, rows(rest)));
            case "B:I" -> events.addAll(t.emptyQuery());
            case "B:s" -> events.addAll(t.portalSuspended());
            case "B:E" -> {
                assertThat(t.refusalAwaitingReply()).isNull();
                events.addAll(t.error(rest, "error " + rest));
            }
            case "B:E!" -> {
                assertThat(t.refusalAwaitingReply()).isNotNull();
                events.addAll(t.refusalAnswered());
            }
            case "B:Z" -> events.addAll(t.readyForQuery());
            case "B:1", "B:2" -> {}
            default -> throw new IllegalArgumentException(step);
        }
        for (AuditEvent e : events) {
            switch (e) {
                case StatementStarted s -> started.add(s);
                case StatementCompleted c -> completed.add(c);
                default -> throw new IllegalStateException(e.toString());
            }
        }
    }

    private static Long rows(String tag) {
        return new io.vigil.proxy.protocol.backend.CommandComplete(tag).rows();
    }

    private static String describe(StatementStarted s, Outcome o) {
        String result = o.status().label()
                + (o.commandTag() != null ? " " + o.commandTag() : "")
                + (o.sqlState() != null ? " " + o.sqlState() : "");
        return s.sql() + " | " + s.protocol().name().toLowerCase(Locale.ROOT) + " | "
                + (s.shape() == null ? "null" : s.shape().kind().label()) + " | " + result + " | " + o.rows();
    }

    private static final SqlAnalyzer analyzer = SharedAnalyzer.INSTANCE;

    static {
        assert Protocol.values().length == 2;
    }
}
