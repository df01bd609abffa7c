package io.vigil.proxy.pipeline;

import io.netty.channel.socket.nio.NioSocketChannel;
import io.vigil.proxy.UpstreamTls;
import io.vigil.proxy.audit.AuditSink;
import io.vigil.proxy.directory.AgentDirectory;
import io.vigil.proxy.directory.AgentLogin;
import io.vigil.proxy.protocol.WireLimits;
import io.vigil.proxy.session.CancelKeys;
import io.vigil.proxy.session.LiveSessions;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * A gateway context for a client connection that never gets past authentication: no agents (every
 * login runs the mock exchange), no TLS, no token issuer, no parser, lookups on the caller's thread.
 */
public final class PreAuthentication {

    private PreAuthentication() {}

    public static GatewayContext context(WireLimits limits, AuditSink audit) {
        SecureRandom random = new SecureRandom();
        return new GatewayContext(
                limits,
                Duration.ofSeconds(60),
                Duration.ofSeconds(3),
                Duration.ofHours(1),
                new NoAgents(),
                audit,
                Runnable::run,
                random,
                new byte[32],
                InstantSource.system(),
                new CancelKeys(random),
                new LiveSessions(),
                null,
                null,
                new UpstreamTls(null),
                null, // no SQL before authentication
                NioSocketChannel.class,
                null, // no statements, no policies
                null); // and nothing waits for approval
    }

    /** A directory without agents. */
    private static final class NoAgents implements AgentDirectory {
        @Override
        public Optional<AgentLogin> find(String user) {
            return Optional.empty();
        }

        @Override
        public Set<UUID> inactive(Set<UUID> agentIds) {
            return agentIds;
        }

        @Override
        public Map<UUID, String> endRequests(Set<UUID> sessionIds) {
            return Map.of();
        }
    }
}
