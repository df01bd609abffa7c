package io.vigil.proxy.pipeline;

import io.vigil.proxy.protocol.backend.ParameterStatus;
import io.vigil.proxy.sql.RelationCatalog;
import java.util.List;

/**
 * The result of logging in to a target: what the target announced, to be passed on to the client.
 *
 * @param transactionStatus the status byte of the target's first ReadyForQuery
 * @param catalog the target's relations as the role sees them, to resolve names against
 * @param searchPath the session's search_path setting at its start, split into names; null if it
 *     could not be read as a list
 */
record UpstreamLogin(
        List<ParameterStatus> parameters,
        int processId,
        int secretKey,
        byte transactionStatus,
        RelationCatalog catalog,
        List<String> searchPath) {

    UpstreamLogin {
        parameters = List.copyOf(parameters);
        searchPath = searchPath == null ? null : List.copyOf(searchPath);
    }
}
