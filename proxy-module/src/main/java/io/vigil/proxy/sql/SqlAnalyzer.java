package io.vigil.proxy.sql;

import io.vigil.proxy.sql.SqlAnalysis.Refused;
import io.vigil.proxy.sql.SqlAnalysis.Understood;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Understands SQL with PostgreSQL's own parser, safely: every text passes {@link SqlGate} first;
 * small, shallow statements parse on the caller's thread, larger ones on a few platform threads
 * with very large stacks; anything that cannot be parsed, for whatever reason, is {@link Refused}
 * (fail closed). Results are cached by text, so an agent repeating a statement pays once, and a
 * single statement's also by its {@link ShapeKey}, so one that only inlines other values pays once
 * too (unless its facts came from a constant's value: a setting's, an EXPLAIN option's).
 *
 * <p>Thread-safe.
 */
public final class SqlAnalyzer implements AutoCloseable {

    static final String SYNTAX_ERROR = "42601";
    static final String INSUFFICIENT_RESOURCES = "53000";
    static final String FEATURE_NOT_SUPPORTED = "0A000";
    /**
     * The statements whose literals PostgreSQL's grammar keeps as constants (A_Const), which the
     * fingerprint ignores, so one shape has one fingerprint. Elsewhere literals become plain values
     * that the fingerprint covers (COPY's file name, NOTIFY's payload, a role's password, options).
     */
    private static final Set<String> SHAREABLE_COMMANDS =
            Set.of("SelectStmt", "InsertStmt", "UpdateStmt", "DeleteStmt", "MergeStmt");
    /** Texts longer than this are analysed but not cached: they are rarely repeated. */
    private static final int MAX_CACHED_LENGTH = 4 << 10;

    private static final int[] NO_ANCHORS = {};

    private final SqlLimits limits;
    private final Redaction redaction;
    private final PgQuery parser;
    private final JsonMapper json;
    private final ThreadPoolExecutor parserThreads;
    private final Map<String, SqlAnalysis> cache = new ConcurrentHashMap<>();
    private final Map<String, StatementShape> shapes = new ConcurrentHashMap<>();
    private final LongAdder parses = new LongAdder();

    public SqlAnalyzer(SqlLimits limits) {
        this(limits, Redaction.unkeyed());
    }

    /** @param redaction how the texts this analyses are cleared of secrets for the trail */
    public SqlAnalyzer(SqlLimits limits, Redaction redaction) {
        this.limits = limits;
        this.redaction = redaction;
        this.parser = PgQuery.load();
        // The tree is ~3 JSON levels per SQL level; deeper trees are refused, not walked.
        StreamReadConstraints constraints = StreamReadConstraints.builder()
                .maxNestingDepth(limits.maxNesting() * 10)
                .maxStringLength(Integer.MAX_VALUE)
                .maxDocumentLength(-1)
                .build();
        this.json = JsonMapper.builder(
                        JsonFactory.builder().streamReadConstraints(constraints).build())
                .build();
        AtomicInteger n = new AtomicInteger();
        this.parserThreads = new ThreadPoolExecutor(
                limits.parserThreads(),
                limits.parserThreads(),
                0,
                TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(limits.queuedParses()),
                task -> {
                    Thread t =
                            new Thread(null, task, "vigil-sql-parser-" + n.incrementAndGet(), SqlLimits.PARSER_STACK);
                    t.setDaemon(true);
                    return t;
                });
    }

    /**
     * The analysis if it is cached or cheap enough to do on this thread (which must have a stack of
     * at least {@link SqlLimits#EVENT_LOOP_STACK}), else null: then call {@link #analyzeOnParserThread}.
     */
    public SqlAnalysis analyzeNow(String sql) {
        SqlAnalysis cached = cache.get(sql);
        if (cached != null) {
            return cached;
        }
        SqlGate.Measure measure = SqlGate.measure(sql);
        Refused refused = SqlGate.check(measure, limits);
        if (refused != null) {
            return refused;
        }
        String key = ShapeKey.of(sql);
        StatementShape shape = key == null ? null : shapes.get(key);
        // A shape is shared only by texts whose literals hold no secret its structure would show;
        // one whose content might (a connection string, SQL with a password) is read on its own.
        if (shape != null && !Redaction.contentMightHoldSecret(sql)) {
            return new Understood(List.of(shape.withText(sql.strip())));
        }
        if (measure.utf8Bytes() > limits.inlineBytes() || measure.nesting() > limits.inlineNesting()) {
            return null;
        }
        return remember(sql, key, parse(sql));
    }

    /** Parses on a large-stack parser thread; completes with a refusal if busy or too slow. */
    public CompletableFuture<SqlAnalysis> analyzeOnParserThread(String sql) {
        try {
            return CompletableFuture.supplyAsync(() -> remember(sql, ShapeKey.of(sql), parse(sql)), parserThreads)
                    .completeOnTimeout(
                            new Refused(
                                    SqlGate.STATEMENT_TOO_COMPLEX,
                                    "the statement took longer than "
                                            + limits.timeout().toMillis() + " ms to parse",
                                    0),
                            limits.timeout().toMillis(),
                            TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.completedFuture(
                    new Refused(INSUFFICIENT_RESOURCES, "Vigil's SQL parser is busy; try again", 0));
        }
    }

    /** Blocking convenience for callers that are not event loops. */
    public SqlAnalysis analyze(String sql) {
        SqlAnalysis now = analyzeNow(sql);
        return now != null ? now : analyzeOnParserThread(sql).join();
    }

    /** How this analyser redacts: bound parameters are cleared with it too. */
    public Redaction redaction() {
        return redaction;
    }

    private SqlAnalysis remember(String sql, String key, Parsed parsed) {
        if (sql.length() <= MAX_CACHED_LENGTH) {
            remember(cache, sql, parsed.analysis());
        }
        if (key != null && parsed.holdsForShape()) {
            remember(shapes, key, ((Understood) parsed.analysis()).statements().getFirst());
        }
        return parsed.analysis();
    }

    private <V> void remember(Map<String, V> map, String key, V value) {
        if (map.size() >= limits.cachedStatements()) {
            map.clear(); // crude but bounded; a working set larger than the cache re-parses
        }
        map.put(key, value);
    }

    /**
     * @param holdsForShape one statement whose facts did not come from a constant's value: they hold
     *     for the same text with other constants
     */
    private record Parsed(SqlAnalysis analysis, boolean holdsForShape) {
        Parsed(SqlAnalysis analysis) {
            this(analysis, false);
        }
    }

    /** How many texts went to the native parser: what neither cache answered. */
    long parses() {
        return parses.sum();
    }

    private Parsed parse(String sql) {
        parses.increment();
        JsonNode root;
        try {
            root = parser.parseTree(sql, in -> {
                try (tools.jackson.core.JsonParser p = json.createParser(in)) {
                    return TreeReader.read(p);
                }
            });
        } catch (JacksonException e) {
            return new Parsed(new Refused(
                    SqlGate.STATEMENT_TOO_COMPLEX, "statement is too deeply nested for Vigil to inspect", 0));
        }
        if (root == null) {
            PgQuery.Result error = parser.parse(sql);
            // Nothing says what its literals are, so none of them is kept; the parser's message
            // quotes the token it stopped at, which may be one of them.
            Redaction.Redacted redacted = redaction.redact(sql, parser.scan(sql), NO_ANCHORS, true);
            return new Parsed(new Refused(
                    SYNTAX_ERROR,
                    Redaction.scrub(error.error(), redacted.removed()),
                    error.cursor(),
                    redacted.text().strip()));
        }
        JsonNode statements = root.path("stmts");
        byte[] utf8 = statements.size() > 1 ? sql.getBytes(StandardCharsets.UTF_8) : null;
        List<StatementShape> shapes = new ArrayList<>(statements.size());
        boolean readConstants = false;
        boolean secrets = false;
        for (JsonNode raw : statements) {
            String source = utf8 == null ? sql : slice(utf8, raw);
            TreeClassifier.Facts facts = TreeClassifier.classify(raw.path("stmt"));
            BodyClassifier.Body body =
                    BodyClassifier.classify(raw.path("stmt"), source, this::treeOrNull, this::plpgsqlOrNull);
            Redaction.Redacted redacted = redact(
                    source, facts, utf8 == null ? 0 : raw.path("stmt_location").asInt(0));
            boolean hasSecrets =
                    !redacted.removed().isEmpty() || !facts.secretParameters().isEmpty();
            secrets |= hasSecrets;
            String text = redacted.text().strip();
            if (facts.refusal() != null) {
                return new Parsed(new Refused(FEATURE_NOT_SUPPORTED, facts.refusal(), 0, text));
            }
            readConstants |= facts.readConstants();
            // Over the redacted text: a fingerprint of a secret would be a plain hash of it.
            PgQuery.Result fingerprint = parser.fingerprint(text);
            shapes.add(new StatementShape(
                    facts.kind(),
                    facts.command(),
                    text,
                    facts.reads(),
                    facts.writes(),
                    body == null ? facts.functions() : concat(facts.functions(), body.functions()),
                    fingerprint.ok() ? fingerprint.text() : null,
                    facts.preparedName(),
                    facts.secretParameters(),
                    !redacted.removed().isEmpty(),
                    facts.pathChange(),
                    argumentsRedacted(
                            source,
                            facts,
                            utf8 == null ? 0 : raw.path("stmt_location").asInt(0)),
                    body == null ? facts.traits() : union(facts.traits(), body.traits()),
                    body == null ? facts.settings() : concat(facts.settings(), body.settings()),
                    body == null
                            ? ColumnUse.of(raw.path("stmt"))
                            : ColumnUse.withAll(ColumnUse.of(raw.path("stmt")), body.columns()),
                    body == null ? facts.defines() : concat(facts.defines(), body.defines()),
                    List.of(),
                    body == null ? facts.operators() : concat(facts.operators(), body.operators())));
        }
        boolean shareable = shapes.size() == 1
                && !readConstants
                && !secrets
                && SHAREABLE_COMMANDS.contains(shapes.getFirst().command());
        return new Parsed(new Understood(shapes), shareable);
    }

    /**
     * One statement's text with its secrets out. Its tokens are read only where the tree found a
     * secret or a word in it suggests one: most statements are kept as they are, unscanned.
     *
     * @param base where the statement starts in the whole query, in bytes (the tree's offsets are
     *     the whole query's)
     */
    private Redaction.Redacted redact(String source, TreeClassifier.Facts facts, int base) {
        if (facts.secretLocations().isEmpty() && !Redaction.mightHoldSecret(source)) {
            return new Redaction.Redacted(source, List.of());
        }
        int[] anchors =
                facts.secretLocations().stream().mapToInt(at -> at - base).toArray();
        return redaction.redact(source, parser.scan(source), anchors, false);
    }

    /** An EXECUTE's text with all its literal arguments redacted, null if it has none. */
    private String argumentsRedacted(String source, TreeClassifier.Facts facts, int base) {
        if (facts.argumentLocations().isEmpty()) {
            return null;
        }
        int[] anchors =
                facts.argumentLocations().stream().mapToInt(at -> at - base).toArray();
        return redaction
                .redact(source, parser.scan(source), anchors, false)
                .text()
                .strip();
    }

    /** A text's parse tree, null if it does not parse (or is too deep to walk). */
    private JsonNode treeOrNull(String sql) {
        try {
            return parser.parseTree(sql, in -> {
                try (tools.jackson.core.JsonParser p = json.createParser(in)) {
                    return TreeReader.read(p);
                }
            });
        } catch (JacksonException e) {
            return null;
        }
    }

    /** A CREATE FUNCTION statement's PL/pgSQL parse, null if it does not parse. */
    private JsonNode plpgsqlOrNull(String createFunction) {
        PgQuery.Result result = parser.parsePlpgsql(createFunction);
        if (!result.ok()) {
            return null;
        }
        try {
            return json.readTree(result.text());
        } catch (JacksonException e) {
            return null;
        }
    }

    private static Set<Trait> union(Set<Trait> a, Set<Trait> b) {
        Set<Trait> all = java.util.EnumSet.noneOf(Trait.class);
        all.addAll(a);
        all.addAll(b);
        return all;
    }

    private static <T> List<T> concat(List<T> a, List<T> b) {
        List<T> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    /** One statement's text out of a multi-statement string; offsets are in UTF-8 bytes. */
    private static String slice(byte[] utf8, JsonNode raw) {
        int from = raw.path("stmt_location").asInt(0);
        int length = raw.path("stmt_len").asInt(0);
        if (length == 0) {
            length = utf8.length - from;
        }
        return SqlGate.slice(utf8, from, length);
    }

    @Override
    public void close() {
        parserThreads.shutdownNow();
    }
}
