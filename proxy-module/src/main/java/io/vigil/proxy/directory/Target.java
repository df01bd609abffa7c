package io.vigil.proxy.directory;

import java.util.Locale;
import java.util.UUID;

/**
 * A database Vigil fronts, with the credential the gateway logs in with. Agents name it by {@code
 * name} in their connection string; the gateway connects to {@code database} on {@code host}, with
 * TLS as {@code tlsMode} demands.
 *
 * @param managementUser Vigil's own login on the target (catalog reads, remediation), which no
 *     agent may log in as or be a member of; null if none is set
 */
public record Target(
        UUID id,
        String name,
        String host,
        int port,
        String database,
        String upstreamUser,
        String upstreamPassword,
        TlsMode tlsMode,
        boolean hashParameters,
        String managementUser) {

    /** How the gateway protects its connection to the target, named as libpq's sslmode. */
    public enum TlsMode {
        /** No TLS: only for targets on the same host or a trusted private network. */
        DISABLE,
        /** TLS, without checking the target's certificate: encrypted, but not authenticated. */
        REQUIRE,
        /** TLS, with the certificate checked against trusted CAs and the host name. */
        VERIFY_FULL;

        /** Parses the store's spelling: disable, require, verify-full. */
        public static TlsMode of(String text) {
            return valueOf(text.toUpperCase(Locale.ROOT).replace('-', '_'));
        }
    }

    @Override
    public String toString() {
        return "Target[" + name + " -> " + upstreamUser + "@" + host + ":" + port + "/" + database + ", " + tlsMode
                + "]";
    }
}
