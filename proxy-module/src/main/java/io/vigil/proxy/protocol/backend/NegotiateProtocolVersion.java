package io.vigil.proxy.protocol.backend;

import java.util.List;

/**
 * NegotiateProtocolVersion (B): {@code Byte1('v') Int32 length, Int32 newest minor version
 * supported, Int32 n, String[n] protocol options not recognized}.
 */
public record NegotiateProtocolVersion(int newestMinorVersion, List<String> unrecognizedOptions)
        implements BackendMessage {

    public NegotiateProtocolVersion {
        unrecognizedOptions = List.copyOf(unrecognizedOptions);
    }
}
