package io.vigil.proxy.pipeline;

/**
 * Handler names, in pipeline order.
 *
 * <pre>
 * client side, first bytes:      [direct-tls] -> startup-decoder -> startup -> errors
 *                                 (direct-tls becomes tls on a TLS ClientHello, else goes)
 *                  while connecting: [tls] -> startup-decoder -> startup -> errors
 *                  authenticating: frame-decoder -> client-auth -> errors
 *                  authenticated:  [tls] -> idle -> frame-decoder -> statement-audit -> relay -> errors
 * upstream side, logging in:      [upstream-tls, then tls] -> frame-decoder -> upstream-login
 *                  relaying:       frame-decoder -> row-cap -> response-audit -> relay
 * </pre>
 */
public final class PipelineNames {

    public static final String DIRECT_TLS = "direct-tls";
    public static final String TLS = "tls";
    public static final String STARTUP_DECODER = "startup-decoder";
    public static final String IDLE = "idle";
    public static final String FRAME_DECODER = "frame-decoder";
    public static final String STARTUP = "startup";
    public static final String CLIENT_AUTH = "client-auth";
    public static final String STATEMENT_AUDIT = "statement-audit";
    public static final String UPSTREAM_TLS = "upstream-tls";
    public static final String UPSTREAM_LOGIN = "upstream-login";
    public static final String ROW_CAP = "row-cap";
    public static final String RESPONSE_AUDIT = "response-audit";
    public static final String RELAY = "relay";
    public static final String ERRORS = "errors";

    private PipelineNames() {}
}
