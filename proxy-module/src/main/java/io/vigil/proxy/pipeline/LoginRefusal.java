package io.vigil.proxy.pipeline;

import io.netty.channel.Channel;
import io.vigil.proxy.audit.AuditEvent.LoginRefused;
import io.vigil.proxy.audit.TrailChain;
import io.vigil.proxy.protocol.frontend.StartupMessage;
import io.vigil.proxy.session.ClientReplies;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refuses a login: keeps why in the trail (the attempt is a chain of its own), then tells the
 * client with a FATAL error and closes. The client is told only what PostgreSQL would tell it; the
 * trail keeps the real reason for the auditor.
 */
final class LoginRefusal {

    private static final Logger log = LoggerFactory.getLogger(LoginRefusal.class);

    private LoginRefusal() {}

    /**
     * @param agentId the agent of the presented name, null if there is none
     * @param reason why, for the trail and the log; never a secret
     */
    static void refuse(
            GatewayContext context,
            Channel client,
            StartupMessage startup,
            UUID agentId,
            String sqlState,
            String clientMessage,
            String reason) {
        log.info("login refused for user \"{}\" from {}: {}", startup.user(), client.remoteAddress(), reason);
        LoginRefused attempt = new LoginRefused(
                UUID.randomUUID(),
                context.clock().instant(),
                startup.user(),
                agentId,
                SessionStart.address(client),
                startup.parameters().get("application_name"),
                startup.database(),
                sqlState,
                reason);
        if (!context.audit().record(new TrailChain().link(attempt))) {
            log.warn("the trail is full: the refused login of \"{}\" is in the log only", startup.user());
        }
        ClientReplies.of(client).fatal(sqlState, clientMessage);
    }
}
