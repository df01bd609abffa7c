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
import io.vigil.proxy.session.ClientReplies;
import io.vigil.proxy.session.ReadPause;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
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

    /** A client has reason to send one message unasked (the first SASL or password message), not more. */
    private static final int MAX_EARLY_FRAMES = 4;

    private enum State {
        LOOKING_UP,
        AWAITING_INITIAL_RESPONSE,
        AWAITING_RESPONSE,
        AWAITING_TOKEN,
        VERIFYING_TOKEN,
        CONNECTING,
        /** Refused: frames the client had already sent are dropped, not answered or recorded again. */
        REFUSED
    }

    private final GatewayContext context;
    private final StartupMessage startup;
    private final Map<String, String> forwarded;
    private State state = State.LOOKING_UP;
    private AgentLogin agent;
    /** The agent of the presented name even if it may not log in, for the trail; null if none. */
    private UUID namedAgent;
    /** Why the presented name cannot log in whatever the secret, for the trail; null if it can. */
    private String unavailable;

    private ScramServer scram;

    /**
     * Frames the client sent before it was asked for anything: behind its StartupMessage, while its
     * agent is looked up. PostgreSQL reads such messages after its authentication request, so they are
     * handled then, in order, rather than lost; only a few are kept.
     */
    private final HeldFrames early = new HeldFrames();

    ClientAuthHandler(GatewayContext context, StartupMessage startup, Map<String, String> forwarded) {
        this.context = context;
        this.startup = startup;
        this.forwarded = Map.copyOf(forwarded);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        ClientReplies.of(ctx.channel()).reads().pause(ReadPause.Reason.LOGIN);
        // A store that is down must not hold the client for its pool's timeout: it is told at once.
        CompletableFuture.supplyAsync(() -> context.directory().find(startup.user()), context.blocking())
                .orTimeout(context.storeTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((found, error) -> ctx.executor().execute(() -> lookedUp(ctx, found, error)));
    }

    private void lookedUp(ChannelHandlerContext ctx, Optional<AgentLogin> found, Throwable error) {
        if (state == State.REFUSED
                || !ctx.channel().isActive()
                || ClientReplies.of(ctx.channel()).ended()) {
            return; // refused while it was looked up (too many early messages, timed out), or gone
        }
        if (error != null) {
            log.error("cannot look up agent {}: {}", startup.user(), error.toString());
            refuse(ctx, SqlState.CANNOT_CONNECT_NOW, "Vigil cannot reach its store; try again later", null);
            return;
        }
        agent = found.filter(AgentLogin::mayLogIn).orElse(null);
        namedAgent = found.map(AgentLogin::agentId).orElse(null);
        if (found.isEmpty()) {
            unavailable = "no agent of that name";
        } else if (agent == null) {
            unavailable = "the agent is disabled or revoked";
        }
        if (agent != null && agent.tokenIdentity()) {
            askForToken(ctx);
            return;
        }
        scram = agent != null
                ? ScramServer.forVerifiers(agent.verifiers(), context.random())
                : ScramServer.mock(startup.user(), context.mockKey(), context.random());
        ClientReplies.of(ctx.channel()).send(new AuthenticationSASL(List.of(ScramSha256.MECHANISM)));
        state = State.AWAITING_INITIAL_RESPONSE;
        ClientReplies.of(ctx.channel()).reads().resume(ReadPause.Reason.LOGIN);
        handleEarlyFrames(ctx);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, PgFrame frame) {
        if (state == State.REFUSED) {
            return;
        }
        if (state == State.LOOKING_UP) {
            holdEarlyFrame(ctx, frame);
            return;
        }
        if (frame.type() == FrontendMessage.TERMINATE) {
            ctx.close();
            return;
        }
        if (frame.type() != FrontendMessage.PASSWORD_FAMILY
                || (state != State.AWAITING_INITIAL_RESPONSE
                        && state != State.AWAITING_RESPONSE
                        && state != State.AWAITING_TOKEN)) {
            ClientReplies.of(ctx.channel())
                    .fatal(
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

    private void holdEarlyFrame(ChannelHandlerContext ctx, PgFrame frame) {
        if (early.size() == MAX_EARLY_FRAMES) {
            releaseEarlyFrames();
            state = State.REFUSED;
            ClientReplies.of(ctx.channel())
                    .fatal(
                            SqlState.PROTOCOL_VIOLATION,
                            "more than " + MAX_EARLY_FRAMES + " messages sent before the authentication request");
            return;
        }
        frame.retain(); // past channelRead0, which releases it
        early.hold(frame);
    }

    /** Handles, now that the client has been asked, what it sent before. */
    private void handleEarlyFrames(ChannelHandlerContext ctx) {
        try {
            for (PgFrame frame; (frame = early.next()) != null; ) {
                try {
                    channelRead0(ctx, frame);
                } finally {
                    frame.release();
                }
            }
        } catch (RuntimeException e) {
            releaseEarlyFrames();
            // Not inside a read, so nothing else would route it to the error handler.
            ctx.fireExceptionCaught(e);
        }
    }

    private void releaseEarlyFrames() {
        early.releaseAll();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        releaseEarlyFrames();
    }

    /** The same answer whatever went wrong, so nothing tells an attacker which part it was. */
    private void refuse(ChannelHandlerContext ctx, AuthenticationFailed e) {
        refuse(
                ctx,
                SqlState.INVALID_PASSWORD,
                "password authentication failed for user \"" + startup.user() + "\"",
                unavailable != null ? unavailable : e.getMessage());
    }

    /** @param reason for the trail; null to keep the client's message */
    private void refuse(ChannelHandlerContext ctx, String sqlState, String clientMessage, String reason) {
        state = State.REFUSED;
        releaseEarlyFrames();
        LoginRefusal.refuse(
                context,
                ctx.channel(),
                startup,
                namedAgent,
                sqlState,
                clientMessage,
                reason != null ? reason : clientMessage);
    }

    /**
     * Asks an agent with a workload identity for its token, as a password. A bearer token must not
     * cross a network in the clear: only over TLS, or from loopback.
     */
    private void askForToken(ChannelHandlerContext ctx) {
        if (context.tokens() == null) {
            refuse(
                    ctx,
                    SqlState.INVALID_AUTHORIZATION_SPECIFICATION,
                    "agent \"" + agent.name() + "\" uses a workload identity, but Vigil has no token issuer configured",
                    null);
            return;
        }
        if (!protectedTransport(ctx.channel())) {
            refuse(
                    ctx,
                    SqlState.INVALID_AUTHORIZATION_SPECIFICATION,
                    "workload tokens are accepted only over TLS (sslmode=require) or from loopback",
                    null);
            return;
        }
        ClientReplies.of(ctx.channel()).send(new AuthenticationCleartextPassword());
        state = State.AWAITING_TOKEN;
        ClientReplies.of(ctx.channel()).reads().resume(ReadPause.Reason.LOGIN);
        handleEarlyFrames(ctx);
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
        ClientReplies.of(ctx.channel()).reads().pause(ReadPause.Reason.LOGIN);
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
        if (state == State.REFUSED
                || !ctx.channel().isActive()
                || ClientReplies.of(ctx.channel()).ended()) {
            return;
        }
        if (error != null) {
            log.error("cannot verify a workload token: {}", error.toString());
            refuse(ctx, SqlState.CANNOT_CONNECT_NOW, "Vigil cannot verify tokens now; try again later", null);
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
            refuse(
                    ctx,
                    SqlState.INVALID_AUTHORIZATION_SPECIFICATION,
                    "SASL mechanism not supported: " + initial.mechanism(),
                    null);
            return;
        }
        ClientReplies.of(ctx.channel()).send(new AuthenticationSASLContinue(scram.serverFirst(initial.data())));
        state = State.AWAITING_RESPONSE;
    }

    private void response(ChannelHandlerContext ctx, SASLResponse response) throws AuthenticationFailed {
        byte[] serverFinal = scram.serverFinal(response.data());
        if (mayUseDatabase(ctx)) {
            state = State.CONNECTING;
            ClientReplies.of(ctx.channel()).reads().pause(ReadPause.Reason.LOGIN);
            new SessionStart(context, ctx, agent, startup, forwarded, serverFinal, null, null).begin();
        }
    }

    /** An agent reaches only its own target: after authentication, it may learn which one that is. */
    private boolean mayUseDatabase(ChannelHandlerContext ctx) {
        if (agent.target().name().equals(startup.database())) {
            return true;
        }
        refuse(
                ctx,
                SqlState.INVALID_AUTHORIZATION_SPECIFICATION,
                "agent \"" + agent.name() + "\" may connect only to database \""
                        + agent.target().name() + "\"",
                null);
        return false;
    }
}
