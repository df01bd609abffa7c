package io.vigil.proxy.pipeline;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.vigil.proxy.audit.AuditEvent.SessionClosed;
import io.vigil.proxy.audit.AuditEvent.SessionOpened;
import io.vigil.proxy.auth.AuthenticationFailed;
import io.vigil.proxy.auth.ScramServer;
import io.vigil.proxy.auth.ScramSha256;
import io.vigil.proxy.directory.AgentLogin;
import io.vigil.proxy.protocol.MessageFrameDecoder;
import io.vigil.proxy.protocol.PgFrame;
import io.vigil.proxy.protocol.SqlState;
import io.vigil.proxy.protocol.backend.Authentication.AuthenticationOk;
import io.vigil.proxy.protocol.backend.Authentication.AuthenticationSASL;
import io.vigil.proxy.protocol.backend.Authentication.AuthenticationSASLContinue;
import io.vigil.proxy.protocol.backend.Authentication.AuthenticationSASLFinal;
import io.vigil.proxy.protocol.backend.BackendKeyData;
import io.vigil.proxy.protocol.backend.ReadyForQuery;
import io.vigil.proxy.protocol.frontend.FrontendMessage;
import io.vigil.proxy.protocol.frontend.SASLInitialResponse;
import io.vigil.proxy.protocol.frontend.SASLResponse;
import io.vigil.proxy.protocol.frontend.StartupMessage;
import io.vigil.proxy.session.Session;
import io.vigil.proxy.session.StatementTracker;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
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
            Replies.fatal(ctx.channel(), "57P03", "Vigil cannot reach its store; try again later");
            return;
        }
        agent = found.filter(AgentLogin::mayLogIn).orElse(null);
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
                || (state != State.AWAITING_INITIAL_RESPONSE && state != State.AWAITING_RESPONSE)) {
            Replies.fatal(
                    ctx.channel(),
                    SqlState.PROTOCOL_VIOLATION,
                    "expected SASL response, got message type '" + (char) frame.type() + "'");
            return;
        }
        try {
            if (state == State.AWAITING_INITIAL_RESPONSE) {
                initialResponse(ctx, SASLInitialResponse.decode(frame.body()));
            } else {
                response(ctx, SASLResponse.decode(frame.body()));
            }
        } catch (AuthenticationFailed e) {
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
        if (!agent.target().name().equals(startup.database())) {
            Replies.fatal(
                    ctx.channel(),
                    SqlState.INVALID_AUTHORIZATION_SPECIFICATION,
                    "agent \"" + agent.name() + "\" may connect only to database \""
                            + agent.target().name() + "\"");
            return;
        }
        state = State.CONNECTING;
        ctx.channel().config().setAutoRead(false);
        connectUpstream(ctx, serverFinal);
    }

    private void connectUpstream(ChannelHandlerContext ctx, byte[] serverFinal) {
        Promise<UpstreamLogin> login = ctx.executor().newPromise();
        Bootstrap bootstrap = new Bootstrap()
                .group(ctx.channel().eventLoop())
                .channel(context.upstreamChannel())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline()
                                .addLast(PipelineNames.FRAME_DECODER, new MessageFrameDecoder(Integer.MAX_VALUE))
                                .addLast(
                                        PipelineNames.UPSTREAM_LOGIN,
                                        new UpstreamLoginHandler(agent.target(), forwarded, context.random(), login));
                    }
                });
        var connect = bootstrap.connect(agent.target().host(), agent.target().port());
        connect.addListener(f -> {
            if (!f.isSuccess()) {
                login.tryFailure(f.cause());
            }
        });
        ctx.channel().closeFuture().addListener(f -> connect.channel().close());
        login.addListener((Future<UpstreamLogin> f) -> {
            if (f.isSuccess()) {
                relay(ctx, connect.channel(), f.getNow(), serverFinal);
            } else {
                log.warn(
                        "cannot log in to target {} for agent {}: {}",
                        agent.target(),
                        agent.name(),
                        f.cause().toString());
                connect.channel().close();
                Replies.fatal(
                        ctx.channel(),
                        SqlState.SQLCLIENT_UNABLE_TO_ESTABLISH_SQLCONNECTION,
                        "Vigil could not connect to target \"" + agent.target().name() + "\"");
            }
        });
    }

    /** Both sides are logged in: tell the client, and switch both pipelines to relaying. */
    private void relay(ChannelHandlerContext ctx, Channel upstream, UpstreamLogin login, byte[] serverFinal) {
        Channel client = ctx.channel();
        if (!client.isActive()) {
            upstream.close();
            return;
        }
        UUID sessionId = UUID.randomUUID();
        Session session = new Session(
                sessionId,
                agent,
                client,
                upstream,
                new StatementTracker(sessionId, context.clock(), System::nanoTime),
                context.audit());
        if (!session.record(new SessionOpened(
                session.id(),
                agent.agentId(),
                agent.target().id(),
                address(client),
                startup.parameters().get("application_name"),
                context.clock().instant()))) {
            upstream.close();
            Replies.fatal(
                    client,
                    SqlState.CONFIGURATION_LIMIT_EXCEEDED,
                    "Vigil's audit trail is not accepting new sessions; try again later");
            return;
        }
        session.upstreamKey(new BackendKeyData(login.processId(), login.secretKey()));
        BackendKeyData clientKey = context.cancelKeys().issue(session);
        Session opened = session;
        context.liveSessions().add(session);
        client.closeFuture().addListener(f -> {
            context.liveSessions().remove(opened);
            context.cancelKeys().release(clientKey);
            opened.record(new SessionClosed(opened.id(), context.clock().instant(), opened.closeReason()));
            upstream.close();
        });
        upstream.pipeline()
                .replace(PipelineNames.UPSTREAM_LOGIN, PipelineNames.RESPONSE_AUDIT, new ResponseAuditHandler(session));
        upstream.pipeline().addLast(PipelineNames.RELAY, new RelayHandler(client));
        client.pipeline()
                .get(MessageFrameDecoder.class)
                .maxLength(context.limits().maxMessageLength());
        client.pipeline().replace(this, PipelineNames.STATEMENT_AUDIT, new StatementAuditHandler(session));
        client.pipeline().addBefore(PipelineNames.ERRORS, PipelineNames.RELAY, new RelayHandler(upstream));
        client.pipeline()
                .addBefore(
                        PipelineNames.FRAME_DECODER,
                        PipelineNames.IDLE,
                        new IdleSessionHandler(session, context.idleTimeout().toMillis()));
        Replies.write(client, new AuthenticationSASLFinal(serverFinal));
        Replies.write(client, new AuthenticationOk());
        login.parameters().forEach(p -> Replies.write(client, p));
        Replies.write(client, clientKey);
        Replies.write(client, new ReadyForQuery(login.transactionStatus()));
        client.flush();
        client.config().setAutoRead(true);
    }

    private static String address(Channel channel) {
        return channel.remoteAddress() instanceof InetSocketAddress a
                ? a.getAddress().getHostAddress()
                : String.valueOf(channel.remoteAddress());
    }
}
