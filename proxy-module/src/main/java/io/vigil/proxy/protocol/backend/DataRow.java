package io.vigil.proxy.protocol.backend;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A row of a query's result, its columns as text (null for SQL NULL). Decoded only for the
 * gateway's own queries on a target (role checks, catalog reads); agents' rows pass undecoded.
 */
public record DataRow(List<String> columns) implements BackendMessage {

    public DataRow {
        columns = Collections.unmodifiableList(new ArrayList<>(columns));
    }

    /** Column {@code i} (0-based), null if it is NULL or absent. */
    public String column(int i) {
        return i < columns.size() ? columns.get(i) : null;
    }
}
