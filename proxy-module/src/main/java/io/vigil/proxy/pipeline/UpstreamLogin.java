package io.vigil.proxy.pipeline;

import io.vigil.proxy.protocol.backend.ParameterStatus;
import java.util.List;

/**
 * The result of logging in to a target: what the target announced, to be passed on to the client.
 *
 * @param transactionStatus the status byte of the target's first ReadyForQuery
 */
record UpstreamLogin(List<ParameterStatus> parameters, int processId, int secretKey, byte transactionStatus) {

    UpstreamLogin {
        parameters = List.copyOf(parameters);
    }
}
