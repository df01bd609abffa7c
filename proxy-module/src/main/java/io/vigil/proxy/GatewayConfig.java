package io.vigil.proxy;

import io.vigil.proxy.identity.WorkloadIdentity;
import io.vigil.proxy.protocol.WireLimits;
import java.nio.file.Path;
import java.time.Duration;

/**
 * How the gateway listens and what it tolerates. Start from {@link #defaults} and change what
 * differs with the {@code with*} methods.
 *
 * @param host the address to bind, normally loopback or a private interface
 * @param port the port to bind; 0 picks a free one
 * @param authenticationTimeout how long a connection may take to authenticate
 * @param idleTimeout how long a session may sit with no statement in flight and no traffic
 * @param ioThreads event-loop threads; each connection and its upstream share one
 * @param auditBacklog audit events that may wait for the store before new statements are refused
 * @param revocationCheck how often live sessions are checked against revocations in the store
 * @param tls the certificate for agents that ask for TLS, or null to decline TLS
 * @param workloadIdentity the token issuer agents with an OIDC identity use, or null for none
 * @param upstreamCa PEM file of CAs trusted for targets in verify-full mode, or null for the JDK's
 */
public record GatewayConfig(
        String host,
        int port,
        WireLimits limits,
        Duration authenticationTimeout,
        Duration idleTimeout,
        int ioThreads,
        int auditBacklog,
        Duration revocationCheck,
        TlsSettings tls,
        WorkloadIdentity workloadIdentity,
        Path upstreamCa) {

    public static GatewayConfig defaults(String host, int port) {
        return new GatewayConfig(
                host,
                port,
                WireLimits.DEFAULT,
                Duration.ofSeconds(60),
                Duration.ofHours(1),
                Runtime.getRuntime().availableProcessors(),
                100_000,
                Duration.ofMillis(250),
                null,
                null,
                null);
    }

    public GatewayConfig withIoThreads(int threads) {
        return new GatewayConfig(
                host,
                port,
                limits,
                authenticationTimeout,
                idleTimeout,
                threads,
                auditBacklog,
                revocationCheck,
                tls,
                workloadIdentity,
                upstreamCa);
    }

    public GatewayConfig withIdleTimeout(Duration timeout) {
        return new GatewayConfig(
                host,
                port,
                limits,
                authenticationTimeout,
                timeout,
                ioThreads,
                auditBacklog,
                revocationCheck,
                tls,
                workloadIdentity,
                upstreamCa);
    }

    public GatewayConfig withTls(TlsSettings settings) {
        return new GatewayConfig(
                host,
                port,
                limits,
                authenticationTimeout,
                idleTimeout,
                ioThreads,
                auditBacklog,
                revocationCheck,
                settings,
                workloadIdentity,
                upstreamCa);
    }

    public GatewayConfig withWorkloadIdentity(WorkloadIdentity identity) {
        return new GatewayConfig(
                host,
                port,
                limits,
                authenticationTimeout,
                idleTimeout,
                ioThreads,
                auditBacklog,
                revocationCheck,
                tls,
                identity,
                upstreamCa);
    }

    public GatewayConfig withUpstreamCa(Path ca) {
        return new GatewayConfig(
                host,
                port,
                limits,
                authenticationTimeout,
                idleTimeout,
                ioThreads,
                auditBacklog,
                revocationCheck,
                tls,
                workloadIdentity,
                ca);
    }
}
