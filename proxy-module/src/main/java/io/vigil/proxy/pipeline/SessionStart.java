package io.vigil.proxy.pipeline;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.vigil.proxy.audit.AuditEvent.SessionOpened;
import io.vigil.proxy.directory.AgentLogin;
import io.vigil.proxy.policy.AgentFacts;
import io.vigil.proxy.policy.SessionJudge;
import io.vigil.proxy.policy.Verdict;
import io.vigil.proxy.protocol.MessageFrameDecoder;
import io.vigil.proxy.protocol.SqlState;
import io.vigil.proxy.protocol.backend.Authentication.AuthenticationOk;
import io.vigil.proxy.protocol.backend.Authentication.AuthenticationSASLFinal;
import io.vigil.proxy.protocol.backend.BackendKeyData;
import io.vigil.proxy.protocol.backend.BackendMessage;
import io.vigil.proxy.protocol.backend.ReadyForQuery;
import io.vigil.proxy.protocol.frontend.CopyFail;
import io.vigil.proxy.protocol.frontend.FrontendEncoder;
import io.vigil.proxy.protocol.frontend.FrontendMessage;
import io.vigil.proxy.protocol.frontend.StartupMessage;
import io.vigil.proxy.protocol.frontend.Sync;
import io.vigil.proxy.session.ClientReplies;
import io.vigil.proxy.session.ReadPause;
import io.vigil.proxy.session.Session;
import io.vigil.proxy.session.StatementTracker;
import io.vigil.proxy.sql.SessionRelations;
import io.vigil.proxy.sql.SqlAnalysis.Understood;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What happens once an agent has proved who it is (by SCRAM, then {@code serverFinal} is the
 * server's proof to send; or by a workload token, with the delegation it carries): log in to its target (see {@link
 * UpstreamLoginHandler}), open the session in the trail, tell the client it is in, and switch both
 * pipelines to relaying. Everything runs on the client's event loop, which the upstream channel
 * shares.
 */
final class SessionStart {

    private static final Logger log = LoggerFactory.getLogger(SessionStart.class);

    /** The one clock a session's statement durations and idle wait are measured on. */
    private static final LongSupplier MONOTONIC = System::nanoTime;

    /**
     * The target's DataRow, CopyData, NoticeResponse and ErrorResponse messages longer than this are
     * relayed as they arrive: a huge value costs the gateway a read buffer, not its size. The target's
     * other messages are read whole and capped like the agent's.
     */
    private static final int STREAM_ABOVE = 64 * 1024;

    /** How long a statement cancelled because its client left may take to answer before Vigil hangs up. */
    private static final Duration CANCELLED_STATEMENT_LIMIT = Duration.ofSeconds(10);

    private final GatewayContext context;
    private final ChannelHandlerContext ctx;
    private final AgentLogin agent;
    private final StartupMessage startup;
    private final Map<String, String> forwarded;
    private final byte[] serverFinal;
    private final String onBehalfOf;
    private final String task;

    SessionStart(
            GatewayContext context,
            ChannelHandlerContext ctx,
            AgentLogin agent,
            StartupMessage startup,
            Map<String, String> forwarded,
            byte[] serverFinal,
            String onBehalfOf,
            String task) {
        this.context = context;
        this.ctx = ctx;
        this.agent = agent;
        this.startup = startup;
        this.forwarded = forwarded;
        this.serverFinal = serverFinal;
        this.onBehalfOf = onBehalfOf;
        this.task = task;
        this.judge = new SessionJudge(
                context.policies(),
                agent.target().id(),
                new AgentFacts(agent.name(), agent.tags(), agent.owner(), onBehalfOf, task),
                this::inExplicitTransaction,
                context.clock());
    }

    /**
     * As the session's statements say (a BEGIN earlier in the same Query counts), not as the last
     * ReadyForQuery said.
     */
    private boolean inExplicitTransaction() {
        if (session == null) {
            return false;
        }
        var relations = session.statements().relations();
        return relations != null ? relations.inExplicitTransaction() : session.transactionStatus() != 'I';
    }

    /** Judges the session's statements by the policies in force for the agent. */
    private final SessionJudge judge;

    /** Set once both sides are logged in. */
    private Session session;

    void begin() {
        Verdict settings = judgeStartupSettings();
        if (settings.severity() > 0) {
            LoginRefusal.refuse(
                    context,
                    ctx.channel(),
                    startup,
                    agent.agentId(),
                    SqlState.INSUFFICIENT_PRIVILEGE,
                    settings.explanation(),
                    "startup parameters: " + settings.explanation());
            return;
        }
        Promise<UpstreamLogin> login = ctx.executor().newPromise();
        Bootstrap bootstrap = new Bootstrap()
                .group(ctx.channel().eventLoop())
                .channel(context.upstreamChannel())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        SslContext tls =
                                context.upstreamTls().context(agent.target().tlsMode());
                        if (tls != null) {
                            ch.pipeline()
                                    .addLast(PipelineNames.UPSTREAM_TLS, new UpstreamTlsHandler(agent.target(), tls));
                        }
                        ch.pipeline()
                                .addLast(
                                        PipelineNames.FRAME_DECODER,
                                        new MessageFrameDecoder(
                                                        context.limits().maxMessageLength(), BackendMessage.TYPES)
                                                .streaming(
                                                        BackendMessage.STREAMED,
                                                        Math.min(
                                                                STREAM_ABOVE,
                                                                context.limits().maxMessageLength())))
                                .addLast(
                                        PipelineNames.UPSTREAM_LOGIN,
                                        new UpstreamLoginHandler(
                                                agent.target(),
                                                forwarded,
                                                context.random(),
                                                context.roleChecks(),
                                                context.catalogs(),
                                                login));
                    }
                });
        var connect = bootstrap.connect(agent.target().host(), agent.target().port());
        connect.addListener(f -> {
            if (!f.isSuccess()) {
                login.tryFailure(f.cause());
            }
        });
        // A client that leaves during the login takes the half-made target connection with it; once
        // relaying, what happens to the target's connection is clientGone's decision.
        ctx.channel().closeFuture().addListener(f -> {
            if (!login.isDone()) {
                connect.channel().close();
            }
        });
        login.addListener((Future<UpstreamLogin> f) -> {
            if (f.isSuccess()) {
                relay(connect.channel(), f.getNow());
            } else {
                log.warn(
                        "cannot log in to target {} for agent {}: {}",
                        agent.target(),
                        agent.name(),
                        f.cause().toString());
                connect.channel().close();
                if (!ctx.channel().isActive()) {
                    return; // the client left during the login: nothing was refused
                }
                if (f.cause() instanceof RoleRefused refused) {
                    LoginRefusal.refuse(
                            context,
                            ctx.channel(),
                            startup,
                            agent.agentId(),
                            SqlState.INVALID_AUTHORIZATION_SPECIFICATION,
                            "Vigil will not log in to target \""
                                    + agent.target().name() + "\" as role \""
                                    + agent.target().upstreamUser()
                                    + "\": its privileges reach past Vigil; the agent's owner can see why in Vigil",
                            refused.getMessage());
                    return;
                }
                LoginRefusal.refuse(
                        context,
                        ctx.channel(),
                        startup,
                        agent.agentId(),
                        SqlState.SQLCLIENT_UNABLE_TO_ESTABLISH_SQLCONNECTION,
                        "Vigil could not connect to target \"" + agent.target().name() + "\"",
                        "Vigil could not log in to target \"" + agent.target().name() + "\": "
                                + f.cause().getMessage());
            }
        });
    }

    /**
     * The startup parameters the client chose, judged as the SETs they stand for: an agent may not
     * start a session with a setting it could not SET.
     */
    private Verdict judgeStartupSettings() {
        Verdict verdict = new Verdict.Allow("");
        for (Map.Entry<String, String> p : forwarded.entrySet()) {
            String set = "SET \"" + p.getKey().replace("\"", "\"\"") + "\" TO '"
                    + p.getValue().replace("'", "''") + "'";
            Verdict v = context.analyzer().analyzeNow(set) instanceof Understood u
                            && u.statements().size() == 1
                    ? judge.judge(u.statements().getFirst(), "startup")
                    : new Verdict.Deny(
                            "vigil",
                            0,
                            "startup-parameter",
                            "startup parameter \"" + p.getKey() + "\" could not be judged, so the session was refused");
            verdict = Verdict.mostSevere(verdict, v);
        }
        return verdict;
    }

    /** Both sides are logged in: tell the client, and switch both pipelines to relaying. */
    private void relay(Channel upstream, UpstreamLogin login) {
        Channel client = ctx.channel();
        // Gone, or ended meanwhile (the authentication timed out): no session to open.
        if (!client.isActive() || ClientReplies.of(client).ended()) {
            upstream.close();
            return;
        }
        UUID sessionId = UUID.randomUUID();
        Session session = new Session(
                sessionId,
                agent,
                client,
                upstream,
                new StatementTracker(
                        sessionId,
                        context.clock(),
                        MONOTONIC,
                        agent.target().hashParameters(),
                        context.analyzer().redaction(),
                        new SessionRelations(
                                agent.target().database(),
                                agent.target().upstreamUser(),
                                login.catalog(),
                                login.searchPath()),
                        judge),
                context.audit());
        session.actingFor(onBehalfOf, task);
        login.parameters().forEach(p -> session.reported(p.name(), p.value()));
        this.session = session;
        if (!session.record(new SessionOpened(
                session.id(),
                agent.agentId(),
                agent.target().id(),
                address(client),
                startup.parameters().get("application_name"),
                onBehalfOf,
                task,
                agent.target().upstreamUser(),
                client.pipeline().get(SslHandler.class) != null,
                context.clock().instant()))) {
            upstream.close();
            ClientReplies.of(client)
                    .fatal(
                            SqlState.CONFIGURATION_LIMIT_EXCEEDED,
                            "Vigil's audit trail is not accepting new sessions; try again later");
            return;
        }
        session.upstreamKey(new BackendKeyData(login.processId(), login.secretKey()));
        BackendKeyData clientKey = context.cancelKeys().issue(session);
        context.liveSessions().add(session);
        // The session ends in the trail once both connections have closed: the target's answers to
        // what the client left running are still recorded after the client has gone.
        int[] open = {2};
        Runnable oneClosed = () -> {
            if (--open[0] == 0) {
                session.recordClosed(context.clock().instant());
            }
        };
        client.closeFuture().addListener(f -> {
            context.liveSessions().remove(session);
            context.cancelKeys().release(clientKey);
            clientGone(session, upstream);
            oneClosed.run();
        });
        upstream.closeFuture().addListener(f -> {
            oneClosed.run();
            // The session is over without its target: a client that does not read is not waited for.
            client.eventLoop().schedule(() -> client.close(), 1, TimeUnit.SECONDS);
        });
        upstream.pipeline()
                .replace(PipelineNames.UPSTREAM_LOGIN, PipelineNames.RESPONSE_AUDIT, new ResponseAuditHandler(session));
        upstream.pipeline().addBefore(PipelineNames.RESPONSE_AUDIT, PipelineNames.ROW_CAP, new RowCapGuard(session));
        upstream.pipeline()
                .addLast(
                        PipelineNames.RELAY,
                        new RelayHandler(client, session.upstreamReads(), session.clientReads(), true));
        client.pipeline()
                .get(MessageFrameDecoder.class)
                .expect(context.limits().maxMessageLength(), FrontendMessage.TYPES);
        client.pipeline()
                .replace(
                        PipelineNames.CLIENT_AUTH,
                        PipelineNames.STATEMENT_AUDIT,
                        new StatementAuditHandler(session, context));
        client.pipeline()
                .addBefore(
                        PipelineNames.ERRORS,
                        PipelineNames.RELAY,
                        new RelayHandler(upstream, session.clientReads(), session.upstreamReads(), false));
        client.pipeline()
                .addBefore(
                        PipelineNames.FRAME_DECODER,
                        PipelineNames.IDLE,
                        new IdleSessionHandler(session, context.idleTimeout().toMillis(), MONOTONIC));
        List<BackendMessage> welcome = new ArrayList<>();
        if (serverFinal != null) {
            welcome.add(new AuthenticationSASLFinal(serverFinal));
        }
        welcome.add(new AuthenticationOk());
        welcome.addAll(login.parameters());
        welcome.add(clientKey);
        welcome.add(new ReadyForQuery(login.transactionStatus()));
        session.replies().send(welcome.toArray(BackendMessage[]::new));
        session.clientReads().resume(ReadPause.Reason.LOGIN);
    }

    /**
     * The client's connection has closed. A statement still running at the target is not left to run
     * on unobserved, as PostgreSQL itself would until it next wrote to the vanished client: if the
     * client vanished, or the gateway ended the session, the statement is cancelled at the target;
     * if the client said Terminate, the target runs what it was sent and then closes, as it would
     * without Vigil. Either way the outcome is recorded when it comes, and the target's connection
     * closes at its next ReadyForQuery ({@link ResponseAuditHandler}) or after a time limit.
     *
     * <pre>
     * client         Vigil                                       PostgreSQL
     *   | Query        |  record the start                         |
     *   |------------->|------------------------------------------>|  runs it
     *   X (gone)       |  CancelRequest (recorded, from "vigil")   |
     *                  |------------------------------------------>|
     *                  |           ErrorResponse 57014, ReadyForQuery
     *                  |<------------------------------------------|
     *                  |  record the outcome, close                |
     * </pre>
     */
    private void clientGone(Session session, Channel upstream) {
        if (!upstream.isActive()) {
            return;
        }
        if (session.statements().inFlight() == 0) {
            upstream.close();
            return;
        }
        if (session.counting() != null) {
            // A capped statement's count is awaited and its Sync held: nothing of it is committed.
            // Any Sync now would commit it unchecked; closing the connection rolls it back.
            session.closeReason("the client left before its capped statement's count was known: rolled back");
            upstream.close();
            return;
        }
        // Nobody is left to be backed up for: what the target still says is recorded and dropped.
        session.upstreamReads().resume(ReadPause.Reason.PEER_BACKLOG);
        Duration limit = context.idleTimeout();
        if (!session.clientTerminated()) {
            session.closeReason("the client left while a statement ran at the target; Vigil cancelled it");
            if (session.takeCancel()) {
                session.recordCancel(context.clock().instant(), "vigil");
                CancelForwarder.forward(session, upstream.eventLoop(), context.upstreamChannel());
            } // else the client's own cancel is on its way
            // A COPY FROM STDIN waiting for data holds off cancels: end it as the client would have.
            // Outside a COPY the target ignores CopyFail, and the Sync ends any pipeline left open.
            upstream.write(FrontendEncoder.encode(new CopyFail("the client disconnected"), upstream.alloc()));
            upstream.writeAndFlush(FrontendEncoder.encode(new Sync(), upstream.alloc()));
            limit = CANCELLED_STATEMENT_LIMIT;
        }
        upstream.eventLoop().schedule(() -> upstream.close(), limit.toMillis(), TimeUnit.MILLISECONDS);
    }

    static String address(Channel channel) {
        return channel.remoteAddress() instanceof InetSocketAddress a
                ? a.getAddress().getHostAddress()
                : String.valueOf(channel.remoteAddress());
    }
}
