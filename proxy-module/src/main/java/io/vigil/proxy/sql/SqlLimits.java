package io.vigil.proxy.sql;

import java.time.Duration;

/**
 * Bounds on what the parser is given and how it runs.
 *
 * @param maxStatementBytes larger statements are refused (54000) without being parsed; the web app's
 *     {@code vigil.gateway.max-statement-bytes}. A bulk INSERT of this size costs about 12 times it
 *     in heap and 6 times in native memory while it is parsed (measured: 4 MB, 48 MB of heap at
 *     peak; see proxy-module/bench/RESULTS.md), on at most {@code parserThreads} threads at once
 * @param maxNesting deeper parenthesis or bracket nesting is refused (54001)
 * @param maxCommentNesting deeper nested comments are refused (54001): the lexer is quadratic in them
 * @param inlineBytes statements up to this size (and shallow) parse on the calling thread, which must
 *     have a large enough stack (the gateway's event loops have {@link #EVENT_LOOP_STACK}); larger ones
 *     go to the parser threads
 * @param inlineNesting nesting allowed for an inline parse
 * @param parserThreads platform threads with {@link #PARSER_STACK}-byte stacks for the larger parses
 * @param queuedParses parses that may wait for a parser thread before new ones are refused (53000)
 * @param timeout a parse still running after this is answered with a refusal (54001)
 * @param cachedStatements distinct statement texts whose analysis is kept
 */
public record SqlLimits(
        int maxStatementBytes,
        int maxNesting,
        int maxCommentNesting,
        int inlineBytes,
        int inlineNesting,
        int parserThreads,
        int queuedParses,
        Duration timeout,
        int cachedStatements) {

    /** Stack reserved (committed only as used) for each parser thread: covers the largest input. */
    public static final long PARSER_STACK = 256L << 20;

    /** Stack the gateway gives its event-loop threads, for inline parses of small statements. */
    public static final long EVENT_LOOP_STACK = 16L << 20;

    /** The name of the setting that sets {@link #maxStatementBytes}, for messages. */
    public static final String MAX_STATEMENT_SETTING = "vigil.gateway.max-statement-bytes";

    public static SqlLimits defaults() {
        return new SqlLimits(4 << 20, 1_000, 16, 4 << 10, 64, 2, 256, Duration.ofSeconds(5), 10_000);
    }

    /** These limits with another {@link #maxStatementBytes}. */
    public SqlLimits withMaxStatementBytes(int bytes) {
        if (bytes < inlineBytes) {
            throw new IllegalArgumentException(MAX_STATEMENT_SETTING + " must be at least " + inlineBytes);
        }
        return new SqlLimits(
                bytes,
                maxNesting,
                maxCommentNesting,
                inlineBytes,
                inlineNesting,
                parserThreads,
                queuedParses,
                timeout,
                cachedStatements);
    }
}
