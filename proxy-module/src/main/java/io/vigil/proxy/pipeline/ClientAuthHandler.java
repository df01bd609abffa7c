package io.vigil.proxy.pipeline;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.ssl.SslHandler;
import io.vigil.proxy.auth.AuthenticationFailed;
import io.vigil.proxy.auth.ScramServer;
import io.vigil.proxy.auth.ScramSha256;
import io.vigil.proxy.directory.AgentLogin;
import io.vigil.proxy.identity.VerifiedToken;
import io.vigil.proxy.protocol.PgFrame;
import io.vigil.proxy.protocol.SqlState;
import io.vigil.proxy.protocol.backend.Authentication.AuthenticationCleartextPassword;
import io.vigil.proxy.protocol.backend.Authentication.AuthenticationSASL;
import io.vigil.proxy.protocol.backend.Authentication.AuthenticationSASLContinue;
import io.vigil.proxy.protocol.frontend.FrontendMessage;
import io.vigil.proxy.protocol.frontend.PasswordMessage;
import io.vigil.proxy.protocol.frontend.SASLInitialResponse;
import io.vigil.proxy.protocol.frontend.SASLResponse;
import io.vigil.proxy.protocol.frontend.StartupMessage;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Proves who the agent is (SCRAM-SHA-256 against its Vigil-issued secret), then logs in to its target
 * and switches the connection to relaying.
 *
 * <pre>
 * agent                               Vigil                          PostgreSQL
 *   | StartupMessage(user, database)    |                                |
 *   |---------------------------------->|  look the agent up (store)     |
 *   |              AuthenticationSASL   |                                |
 *   |<----------------------------------|                                |
 *   | SASLInitialResponse / SASLResponse|                                |
 *   |<--------------------------------->|  verify the proof              |
 *   |                                   | log in as the upstream role    |
 *   |                                   |<------------------------------>|  (UpstreamLoginHandler)
 *   | SASLFinal, AuthenticationOk, ParameterStatus*, BackendKeyData, ReadyForQuery
 *   |<----------------------------------|                                |
 *   | Query / Parse / Bind / Execute ...|  record, then forward          |
 *   |---------------------------------->|------------------------------->|
 * </pre>
 *
 * An unknown, disabled or revoked agent gets the same exchange against a mock verifier and the same
 * 28P01 as a wrong secret, so nothing tells an attacker which agent names exist.
 */
final class ClientAuthHandler extends SimpleChannelInboundHandler<PgFrame> {

    private static final Logger log = LoggerFactory.getLogger(ClientAuthHandler.class);

    private enum State {
        LOOKING_UP,
        AWAITING_INITIAL_RESPONSE,
        AWAITING_RESPONSE,
        AWAITING_TOKEN,
        VERIFYING_TOKEN,
        CONNECTING
    }

    private final GatewayContext context;
    private final StartupMessage startup;
    private final Map<String, String> forwarded;
    private State state = State.LOOKING_UP;
    private AgentLogin agent;
    private ScramServer scram;

    ClientAuthHandler(GatewayContext context, StartupMessage startup, Map<String, String> forwarded) {
        this.context = context;
        this.startup = startup;
        this.forwarded = Map.copyOf(forwarded);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        ctx.channel().config().setAutoRead(false);
        CompletableFuture.supplyAsync(() -> context.directory().find(startup.user()), context.blocking())
                .whenComplete((found, error) -> ctx.executor().execute(() -> lookedUp(ctx, found, error)));
    }

    private void lookedUp(ChannelHandlerContext ctx, Optional<AgentLogin> found, Throwable error) {
        if (error != null) {
            log.error("cannot look up agent: {}", error.toString());
            Replies.fatal(ctx.channel(), SqlState.CANNOT_CONNECT_NOW, "Vigil cannot reach its store; try again later");
            return;
        }
        agent = found.filter(AgentLogin::mayLogIn).orElse(null);
        if (agent != null && agent.tokenIdentity()) {
            askForToken(ctx);
            return;
        }
        scram = agent != null
                ? ScramServer.forVerifiers(agent.verifiers(), context.random())
                : ScramServer.mock(startup.user(), context.mockKey(), context.random());
        Replies.write(ctx.channel(), new AuthenticationSASL(List.of(ScramSha256.MECHANISM)));
        ctx.flush();
        state = State.AWAITING_INITIAL_RESPONSE;
        ctx.channel().config().setAutoRead(true);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, PgFrame frame) {
        if (frame.type() == FrontendMessage.TERMINATE) {
            ctx.close();
            return;
        }
        if (frame.type() != FrontendMessage.PASSWORD_FAMILY
                || (state != State.AWAITING_INITIAL_RESPONSE
                        && state != State.AWAITING_RESPONSE
                        && state != State.AWAITING_TOKEN)) {
            Replies.fatal(
                    ctx.channel(),
                    SqlState.PROTOCOL_VIOLATION,
                    "expected SASL response, got message type '" + (char) frame.type() + "'");
            return;
        }
        try {
            switch (state) {
                case AWAITING_INITIAL_RESPONSE -> initialResponse(ctx, SASLInitialResponse.decode(frame.body()));
                case AWAITING_RESPONSE -> response(ctx, SASLResponse.decode(frame.body()));
                default -> verifyToken(ctx, PasswordMessage.decode(frame.body()).password());
            }
        } catch (AuthenticationFailed e) {
            refuse(ctx, e);
        }
    }

    private void refuse(ChannelHandlerContext ctx, AuthenticationFailed e) {
        log.info(
                "authentication failed for user \"{}\" from {}: {}",
                startup.user(),
                ctx.channel().remoteAddress(),
                e.getMessage());
        Replies.fatal(
                ctx.channel(),
                SqlState.INVALID_PASSWORD,
                "password authentication failed for user \"" + startup.user() + "\"");
    }

    /**
     * Asks an agent with a workload identity for its token, as a password. A bearer token must not
     * cross a network in the clear: only over TLS, or from loopback.
     */
    private void askForToken(ChannelHandlerContext ctx) {
        if (context.tokens() == null) {
            Replies.fatal(
                    ctx.channel(),
                    SqlState.INVALID_AUTHORIZATION_SPECIFICATION,
                    "agent \"" + agent.name()
                            + "\" uses a workload identity, but Vigil has no token issuer configured");
            return;
        }
        if (!protectedTransport(ctx.channel())) {
            Replies.fatal(
                    ctx.channel(),
                    SqlState.INVALID_AUTHORIZATION_SPECIFICATION,
                    "workload tokens are accepted only over TLS (sslmode=require) or from loopback");
            return;
        }
        Replies.write(ctx.channel(), new AuthenticationCleartextPassword());
        ctx.flush();
        state = State.AWAITING_TOKEN;
        ctx.channel().config().setAutoRead(true);
    }

    static boolean protectedTransport(Channel channel) {
        return channel.pipeline().get(SslHandler.class) != null
                || (channel.remoteAddress() instanceof InetSocketAddress address
                        && address.getAddress() != null
                        && address.getAddress().isLoopbackAddress());
    }

    /** Validates the token off the event loop (a key refresh may fetch the issuer's JWKS). */
    private void verifyToken(ChannelHandlerContext ctx, String token) {
        state = State.VERIFYING_TOKEN;
        ctx.channel().config().setAutoRead(false);
        CompletableFuture.supplyAsync(() -> verified(token), context.blocking())
                .whenComplete((result, error) -> ctx.executor().execute(() -> tokenVerified(ctx, result, error)));
    }

    private Object verified(String token) {
        try {
            return context.tokens().verify(token);
        } catch (AuthenticationFailed e) {
            return e;
        }
    }

    private void tokenVerified(ChannelHandlerContext ctx, Object result, Throwable error) {
        if (error != null) {
            log.error("cannot verify a workload token: {}", error.toString());
            Replies.fatal(
                    ctx.channel(), SqlState.CANNOT_CONNECT_NOW, "Vigil cannot verify tokens now; try again later");
        } else if (result instanceof AuthenticationFailed failed) {
            refuse(ctx, failed);
        } else if (result instanceof VerifiedToken token && !token.agent().equals(agent.name())) {
            refuse(ctx, new AuthenticationFailed("the token is for agent \"" + token.agent() + "\""));
        } else if (result instanceof VerifiedToken token && mayUseDatabase(ctx)) {
            state = State.CONNECTING;
            new SessionStart(context, ctx, agent, startup, forwarded, null, token.onBehalfOf(), token.task()).begin();
        }
    }

    private void initialResponse(ChannelHandlerContext ctx, SASLInitialResponse initial) throws AuthenticationFailed {
        if (!ScramSha256.MECHANISM.equals(initial.mechanism())) {
            Replies.fatal(
                    ctx.channel(),
                    SqlState.INVALID_AUTHORIZATION_SPECIFICATION,
                    "SASL mechanism not supported: " + initial.mechanism());
            return;
        }
        Replies.write(ctx.channel(), new AuthenticationSASLContinue(scram.serverFirst(initial.data())));
        ctx.flush();
        state = State.AWAITING_RESPONSE;
    }

    private void response(ChannelHandlerContext ctx, SASLResponse response) throws AuthenticationFailed {
        byte[] serverFinal = scram.serverFinal(response.data());
        if (mayUseDatabase(ctx)) {
            state = State.CONNECTING;
            ctx.channel().config().setAutoRead(false);
            new SessionStart(context, ctx, agent, startup, forwarded, serverFinal, null, null).begin();
        }
    }

    /** An agent reaches only its own target: after authentication, it may learn which one that is. */
    private boolean mayUseDatabase(ChannelHandlerContext ctx) {
        if (agent.target().name().equals(startup.database())) {
            return true;
        }
        Replies.fatal(
                ctx.channel(),
                SqlState.INVALID_AUTHORIZATION_SPECIFICATION,
                "agent \"" + agent.name() + "\" may connect only to database \""
                        + agent.target().name() + "\"");
        return false;
    }
}
