package io.vigil.proxy.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.proxy.audit.AuditEvent.Protocol;
import io.vigil.proxy.audit.AuditEvent.StatementCompleted;
import io.vigil.proxy.audit.AuditEvent.StatementStarted;
import io.vigil.proxy.audit.Outcome;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
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
                        List.of("select 1 | simple | SELECT 1 | 1 | null")),
                Arguments.of(
                        "simple query with two statements reports the last tag",
                        List.of("F:Q insert into t values (1); delete from t", "B:C INSERT 0 1", "B:C DELETE 1", "B:Z"),
                        List.of("insert into t values (1); delete from t | simple | DELETE 1 | 1 | null")),
                Arguments.of(
                        "simple query error",
                        List.of("F:Q select 1/0", "B:E 22012", "B:Z"),
                        List.of("select 1/0 | simple | null | null | 22012")),
                Arguments.of("empty query", List.of("F:Q ", "B:I", "B:Z"), List.of(" | simple |  | null | null")),
                Arguments.of(
                        "unnamed extended query",
                        List.of("F:P  select $1", "F:B  ", "F:E ", "F:S", "B:1", "B:2", "B:D", "B:C SELECT 1", "B:Z"),
                        List.of("select $1 | extended | SELECT 1 | 1 | null")),
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
                                "update t set a = $1 | extended | UPDATE 2 | 2 | null",
                                "update t set a = $1 | extended | UPDATE 0 | 0 | null")),
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
                                "insert into t values (1) | extended | null | null | 23505",
                                "insert into t values (2) | extended | null | null | skipped")),
                Arguments.of(
                        "a Parse error is the outcome of the statement it prepared",
                        List.of("F:P  selec 1", "F:B  ", "F:E ", "F:S", "B:E 42601", "B:Z"),
                        List.of("selec 1 | extended | null | null | 42601")),
                Arguments.of(
                        "a failed prepare without Execute records nothing",
                        List.of("F:P s selec 1", "F:S", "B:E 42601", "B:Z"),
                        List.of()),
                Arguments.of(
                        "portal suspended by a row limit",
                        List.of("F:P s select x from t", "F:B c s", "F:E c", "F:S", "B:D", "B:D", "B:s", "B:Z"),
                        List.of("select x from t | extended | PORTAL SUSPENDED | 2 | null")),
                Arguments.of(
                        "closing a statement forgets it",
                        List.of("F:P s select 1", "F:C s", "F:B  s", "F:E ", "F:S", "B:E 26000", "B:Z"),
                        List.of("-- unknown prepared statement \"s\" | extended | null | null | 26000")),
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
                                "select 1 | extended | SELECT 1 | 1 | null",
                                "select 2 | simple | SELECT 1 | 1 | null")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("conversations")
    void recordsTheOutcomeOfEveryStatement(String name, List<String> steps, List<String> expected) {
        AtomicLong nanos = new AtomicLong();
        StatementTracker tracker =
                new StatementTracker(UUID.randomUUID(), InstantSource.fixed(Instant.EPOCH), nanos::get);
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
        assertThat(completed).allSatisfy(c -> assertThat(c.durationMicros()).isPositive());
    }

    private static void apply(
            StatementTracker t, String step, List<StatementStarted> started, List<StatementCompleted> completed) {
        char type = step.charAt(2);
        String rest = step.length() > 4 ? step.substring(4) : "";
        String[] words = rest.split(" ", 2);
        if (step.startsWith("F:")) {
            switch (type) {
                case 'Q' -> started.add(t.query(rest));
                case 'P' -> t.parse(words[0], words.length > 1 ? words[1] : "");
                case 'B' -> t.bind(words[0], words.length > 1 ? words[1] : "");
                case 'E' -> started.add(t.execute(rest));
                case 'C' -> t.closeStatement(rest);
                case 'S' -> t.sync();
                default -> throw new IllegalArgumentException(step);
            }
        } else {
            switch (type) {
                case 'D' -> t.dataRow();
                case 'C' -> completed.addAll(t.commandComplete(rest, rows(rest)));
                case 'I' -> completed.addAll(t.emptyQuery());
                case 's' -> completed.addAll(t.portalSuspended());
                case 'E' -> completed.addAll(t.error(rest, "error " + rest));
                case 'Z' -> completed.addAll(t.readyForQuery());
                case '1', '2' -> {}
                default -> throw new IllegalArgumentException(step);
            }
        }
    }

    private static Long rows(String tag) {
        return new io.vigil.proxy.protocol.backend.CommandComplete(tag).rows();
    }

    private static String describe(StatementStarted s, Outcome o) {
        String failure = o.sqlState() != null ? o.sqlState() : o.errorMessage() != null ? "skipped" : "null";
        return s.sql() + " | " + s.protocol().name().toLowerCase(java.util.Locale.ROOT) + " | " + o.commandTag() + " | "
                + o.rows() + " | " + failure;
    }

    static {
        assert Protocol.values().length == 2;
    }
}
