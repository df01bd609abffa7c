package io.vigil.proxy.session;

import io.vigil.proxy.protocol.backend.DataRow;
import java.util.function.Consumer;

/**
 * A simple query of the gateway's own, sent on a session's target connection while the target owes
 * the client nothing; its answer is read off the connection and never reaches the client (see
 * {@link Session#ask}). Today the relation lookup; the row-count guard's savepoints and masking's
 * Describe are to go the same way.
 *
 * @param sql the query, every name schema-qualified: it runs under the agent's search_path
 * @param rows takes each row of the answer, once the answer is complete; null: rows are dropped as
 *     they come (an answer of unknown size)
 * @param answered then told whether the answer came without an error
 * @param completed takes each statement's command tag as it completes ({@code UPDATE 12})
 * @param failed takes the error's SQLSTATE and message, if one came
 */
public record OwnQuery(
        String sql,
        Consumer<DataRow> rows,
        Consumer<Boolean> answered,
        Consumer<String> completed,
        java.util.function.BiConsumer<String, String> failed) {

    /** A query whose rows and success are all that matter. */
    public OwnQuery(String sql, Consumer<DataRow> rows, Consumer<Boolean> answered) {
        this(sql, rows, answered, tag -> {}, (state, message) -> {});
    }
}
