package io.vigil.proxy;

import io.vigil.proxy.identity.WorkloadIdentity;
import io.vigil.proxy.protocol.WireLimits;
import io.vigil.proxy.sql.Redaction;
import io.vigil.proxy.sql.SqlLimits;
import java.nio.file.Path;
import java.time.Duration;

/**
 * How the gateway listens and what it tolerates. {@link #builder} starts from the defaults.
 *
 * @param host the address to bind, normally loopback or a private interface
 * @param port the port to bind; 0 picks a free one
 * @param authenticationTimeout how long a connection may take to authenticate
 * @param storeTimeout how long a login waits for Vigil's store before it is refused (57P03)
 * @param idleTimeout how long a session may sit with no statement in flight and nothing from the
 *     client (counted from the later of its last message and the end of its last statement)
 * @param ioThreads event-loop threads; each connection and its upstream share one
 * @param revocationCheck how often live sessions are checked against revocations in the store
 * @param tls the certificate for agents that ask for TLS, or null to decline TLS
 * @param workloadIdentity the token issuer agents with an OIDC identity use, or null for none
 * @param upstreamCa PEM file of CAs trusted for targets in verify-full mode, or null for the JDK's
 * @param redaction how secrets in statements are marked in the trail (keyed in production)
 * @param approvalLimit how long a statement sent for review waits for a person before it is denied
 * @param approvalsPage the web app's approvals page, named to an agent whose statement waits; null
 *     if there is none to name
 */
public record GatewayConfig(
        String host,
        int port,
        WireLimits limits,
        Duration authenticationTimeout,
        Duration storeTimeout,
        Duration idleTimeout,
        int ioThreads,
        Duration revocationCheck,
        TlsSettings tls,
        WorkloadIdentity workloadIdentity,
        Path upstreamCa,
        SqlLimits sql,
        Redaction redaction,
        Duration approvalLimit,
        String approvalsPage) {

    /** The defaults for listening on {@code host}:{@code port}. */
    public static GatewayConfig defaults(String host, int port) {
        return builder(host, port).build();
    }

    /** A builder starting from the defaults. */
    public static Builder builder(String host, int port) {
        return new Builder(host, port);
    }

    /** Builds a {@link GatewayConfig}; every setting not given keeps its default. */
    public static final class Builder {

        private final String host;
        private final int port;
        private Duration idleTimeout = Duration.ofHours(1);
        private Duration storeTimeout = Duration.ofSeconds(3);
        private int ioThreads = Runtime.getRuntime().availableProcessors();
        private TlsSettings tls;
        private WorkloadIdentity workloadIdentity;
        private Path upstreamCa;
        private SqlLimits sql = SqlLimits.defaults();
        private Redaction redaction = Redaction.unkeyed();
        private Duration approvalLimit = Duration.ofMinutes(5);
        private String approvalsPage;

        private Builder(String host, int port) {
            this.host = host;
            this.port = port;
        }

        public Builder idleTimeout(Duration timeout) {
            this.idleTimeout = timeout;
            return this;
        }

        public Builder storeTimeout(Duration timeout) {
            this.storeTimeout = timeout;
            return this;
        }

        public Builder ioThreads(int threads) {
            this.ioThreads = threads;
            return this;
        }

        public Builder tls(TlsSettings settings) {
            this.tls = settings;
            return this;
        }

        public Builder workloadIdentity(WorkloadIdentity identity) {
            this.workloadIdentity = identity;
            return this;
        }

        public Builder upstreamCa(Path ca) {
            this.upstreamCa = ca;
            return this;
        }

        public Builder sql(SqlLimits limits) {
            this.sql = limits;
            return this;
        }

        public Builder redaction(Redaction redaction) {
            this.redaction = redaction;
            return this;
        }

        public Builder approvalLimit(Duration limit) {
            this.approvalLimit = limit;
            return this;
        }

        public Builder approvalsPage(String page) {
            this.approvalsPage = page;
            return this;
        }

        public GatewayConfig build() {
            return new GatewayConfig(
                    host,
                    port,
                    WireLimits.DEFAULT,
                    Duration.ofSeconds(60),
                    storeTimeout,
                    idleTimeout,
                    ioThreads,
                    Duration.ofMillis(250),
                    tls,
                    workloadIdentity,
                    upstreamCa,
                    sql,
                    redaction,
                    approvalLimit,
                    approvalsPage);
        }
    }
}
