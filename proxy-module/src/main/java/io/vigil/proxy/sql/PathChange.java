package io.vigil.proxy.sql;

import java.util.List;

/**
 * What a statement does to the session's {@code search_path}, as far as its text tells.
 *
 * @param kind set to {@code names}, reset to the session's start value, or changed in a way only
 *     the server knows (a computed value, a procedure, a new schema, another role)
 * @param names the schemas set, for {@link Kind#SET}
 * @param local for the transaction only ({@code SET LOCAL}, {@code set_config(..., true)})
 */
public record PathChange(Kind kind, List<String> names, boolean local) {

    public enum Kind {
        SET,
        RESET,
        UNKNOWN
    }

    public static final PathChange UNKNOWN = new PathChange(Kind.UNKNOWN, List.of(), false);

    public PathChange {
        names = List.copyOf(names);
    }
}
