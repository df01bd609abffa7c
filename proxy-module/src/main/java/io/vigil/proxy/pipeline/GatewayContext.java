package io.vigil.proxy.pipeline;

import io.netty.channel.Channel;
import io.netty.handler.ssl.SslContext;
import io.vigil.proxy.UpstreamTls;
import io.vigil.proxy.audit.AuditSink;
import io.vigil.proxy.directory.AgentDirectory;
import io.vigil.proxy.identity.TokenVerifier;
import io.vigil.proxy.protocol.WireLimits;
import io.vigil.proxy.session.CancelKeys;
import io.vigil.proxy.session.LiveSessions;
import io.vigil.proxy.sql.SqlAnalyzer;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.InstantSource;
import java.util.concurrent.Executor;

/**
 * What every connection's handlers share.
 *
 * @param storeTimeout how long a login waits for the store's answer before it is refused
 * @param blocking where store lookups run, never on an event loop
 * @param mockKey the secret behind the mock SCRAM salts of unknown users
 * @param cancelKeys the cancel keys handed to clients, and the sessions they cancel
 * @param liveSessions the open sessions by agent, to end when an agent is revoked
 * @param tls the server-side TLS context for agents that ask for TLS, or null to decline
 * @param tokens validates workload tokens, or null when no issuer is configured
 * @param upstreamTls TLS contexts for connections to targets
 * @param upstreamChannel the channel type for upstream connections (matches the server's transport)
 * @param roleChecks the agents' upstream roles that passed the role check lately
 * @param catalogs the targets' catalogs as read lately, to resolve relation names against
 * @param policies the guardrail policies in force, kept in step with the store
 * @param approvals where statements sent for review wait for a person; null: they are refused
 */
public record GatewayContext(
        WireLimits limits,
        Duration authenticationTimeout,
        Duration storeTimeout,
        Duration idleTimeout,
        AgentDirectory directory,
        AuditSink audit,
        Executor blocking,
        SecureRandom random,
        byte[] mockKey,
        InstantSource clock,
        CancelKeys cancelKeys,
        LiveSessions liveSessions,
        SslContext tls,
        TokenVerifier tokens,
        UpstreamTls upstreamTls,
        SqlAnalyzer analyzer,
        Class<? extends Channel> upstreamChannel,
        RoleChecks roleChecks,
        Catalogs catalogs,
        io.vigil.proxy.policy.Policies policies,
        io.vigil.proxy.approval.Approvals approvals) {

    /** A context whose role checks and catalogs are cached on {@code System.nanoTime}. */
    public GatewayContext(
            WireLimits limits,
            Duration authenticationTimeout,
            Duration storeTimeout,
            Duration idleTimeout,
            AgentDirectory directory,
            AuditSink audit,
            Executor blocking,
            SecureRandom random,
            byte[] mockKey,
            InstantSource clock,
            CancelKeys cancelKeys,
            LiveSessions liveSessions,
            SslContext tls,
            TokenVerifier tokens,
            UpstreamTls upstreamTls,
            SqlAnalyzer analyzer,
            Class<? extends Channel> upstreamChannel,
            io.vigil.proxy.policy.Policies policies,
            io.vigil.proxy.approval.Approvals approvals) {
        this(
                limits,
                authenticationTimeout,
                storeTimeout,
                idleTimeout,
                directory,
                audit,
                blocking,
                random,
                mockKey,
                clock,
                cancelKeys,
                liveSessions,
                tls,
                tokens,
                upstreamTls,
                analyzer,
                upstreamChannel,
                new RoleChecks(System::nanoTime),
                new Catalogs(System::nanoTime),
                policies,
                approvals);
    }
}
