package io.vigil.proxy;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.FastThreadLocalThread;
import io.vigil.proxy.approval.ApprovalDesk;
import io.vigil.proxy.approval.ApprovalTrail;
import io.vigil.proxy.approval.Approvals;
import io.vigil.proxy.approval.RetryApprovals;
import io.vigil.proxy.audit.AuditEvent;
import io.vigil.proxy.audit.AuditSink;
import io.vigil.proxy.audit.TrailChain;
import io.vigil.proxy.directory.AgentDirectory;
import io.vigil.proxy.identity.TokenVerifier;
import io.vigil.proxy.pipeline.ClientChannelInitializer;
import io.vigil.proxy.pipeline.GatewayContext;
import io.vigil.proxy.policy.Policies;
import io.vigil.proxy.policy.PolicyStore;
import io.vigil.proxy.protocol.SqlState;
import io.vigil.proxy.session.CancelKeys;
import io.vigil.proxy.session.Hold;
import io.vigil.proxy.session.LiveSessions;
import io.vigil.proxy.session.Session;
import io.vigil.proxy.sql.SqlAnalyzer;
import io.vigil.proxy.sql.SqlLimits;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running gateway: a listening socket and its event loops. Start it with {@link #start}, stop it
 * with {@link #close}. Store lookups run on virtual threads, never on the event loops.
 */
public final class Gateway implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Gateway.class);
    /** Outbound bytes per connection above which the other side stops reading (back-pressure). */
    private static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(256 * 1024, 1024 * 1024);

    private final EventLoopGroup group;
    private final ExecutorService blocking;
    private final Channel server;
    private final SqlAnalyzer analyzer;
    private final LiveSessions live;
    private final Policies policies;

    private Gateway(
            EventLoopGroup group,
            ExecutorService blocking,
            Channel server,
            SqlAnalyzer analyzer,
            LiveSessions live,
            Policies policies) {
        this.live = live;
        this.policies = policies;
        this.group = group;
        this.blocking = blocking;
        this.server = server;
        this.analyzer = analyzer;
    }

    /**
     * Binds the gateway and starts accepting agents.
     *
     * @throws IllegalStateException if the address cannot be bound
     */
    public static Gateway start(
            GatewayConfig config, AgentDirectory directory, PolicyStore policyStore, AuditSink audit) {
        return start(config, directory, policyStore, null, audit);
    }

    /**
     * @param approvals where statements policy sends for review wait for a person; null to refuse
     *     them at once
     */
    public static Gateway start(
            GatewayConfig config,
            AgentDirectory directory,
            PolicyStore policyStore,
            ApprovalDesk approvals,
            AuditSink audit) {
        boolean epoll = Epoll.isAvailable();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        Class<? extends ServerChannel> serverChannel =
                epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        Class<? extends Channel> channel = epoll ? EpollSocketChannel.class : NioSocketChannel.class;
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(config.ioThreads(), eventLoopThreads(), io);
        SqlAnalyzer analyzer = new SqlAnalyzer(config.sql(), config.redaction());
        ExecutorService blocking = Executors.newVirtualThreadPerTaskExecutor();
        SecureRandom random = new SecureRandom();
        byte[] mockKey = new byte[32];
        random.nextBytes(mockKey);
        Policies policies = loadPolicies(policyStore, audit);
        GatewayContext context = new GatewayContext(
                config.limits(),
                config.authenticationTimeout(),
                config.storeTimeout(),
                config.idleTimeout(),
                directory,
                audit,
                blocking,
                random,
                mockKey,
                // To the microsecond, as the store keeps them: a stored event re-encodes to what was hashed.
                () -> AuditEvent.canonical(Instant.now()),
                new CancelKeys(random),
                new LiveSessions(),
                config.tls() == null ? null : config.tls().serverContext(),
                config.workloadIdentity() == null ? null : new TokenVerifier(config.workloadIdentity()),
                new UpstreamTls(config.upstreamCa()),
                analyzer,
                channel,
                policies,
                approvals == null ? null : new Approvals(approvals, config.approvalLimit(), config.approvalsPage()));
        try {
            Channel server = new ServerBootstrap()
                    .group(group)
                    .channel(serverChannel)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
                    .childHandler(new ClientChannelInitializer(context))
                    .bind(config.host(), config.port())
                    .sync()
                    .channel();
            log.info("Vigil gateway listening on {} ({})", server.localAddress(), epoll ? "epoll" : "nio");
            watchLiveSessions(group, blocking, directory, context.liveSessions(), config.revocationCheck());
            watchPolicies(group, blocking, policies);
            if (approvals != null) {
                watchHolds(group, blocking, context.approvals(), audit, context.liveSessions());
            }
            return new Gateway(group, blocking, server, analyzer, context.liveSessions(), policies);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            group.shutdownGracefully();
            analyzer.close();
            throw new IllegalStateException("interrupted while binding the gateway", e);
        } catch (RuntimeException e) {
            group.shutdownGracefully();
            blocking.shutdown();
            analyzer.close();
            throw new IllegalStateException("cannot bind the gateway to " + config.host() + ":" + config.port(), e);
        }
    }

    /** The policies in force. */
    public Policies policies() {
        return policies;
    }

    /**
     * Installs the presets the store lacks (each a trail record by {@code vigil}) and reads the
     * policies. If the store cannot be read now, every statement is denied until it can.
     */
    private static Policies loadPolicies(PolicyStore store, AuditSink audit) {
        try {
            for (String preset : store.installPresets()) {
                audit.record(new TrailChain()
                        .link(new AuditEvent.PersonActed(
                                UUID.randomUUID(),
                                Instant.now(),
                                "vigil",
                                "policy.install",
                                "policy",
                                null,
                                preset,
                                "installed the " + preset + " preset as version 1"
                                        + (preset.equals("baseline")
                                                ? "; attached to every target without a policy"
                                                : ""))));
            }
        } catch (RuntimeException e) {
            log.warn("cannot install the policy presets: {}", e.toString());
        }
        Policies policies = new Policies(store);
        policies.refresh();
        return policies;
    }

    /** Reads the store's policy epoch every quarter second: a change is in force within a second. */
    private static void watchPolicies(EventLoopGroup group, ExecutorService blocking, Policies policies) {
        everyQuarterSecond(group, blocking, () -> true, policies::refresh);
    }

    /**
     * Runs {@code check} on {@code blocking} every quarter second while {@code due} says so, never two
     * at once: a slow store delays the next run instead of piling them up.
     */
    private static void everyQuarterSecond(
            EventLoopGroup group, ExecutorService blocking, java.util.function.BooleanSupplier due, Runnable check) {
        java.util.concurrent.atomic.AtomicBoolean running = new java.util.concurrent.atomic.AtomicBoolean();
        group.next()
                .scheduleWithFixedDelay(
                        () -> {
                            if (!due.getAsBoolean() || !running.compareAndSet(false, true)) {
                                return;
                            }
                            try {
                                blocking.execute(() -> {
                                    try {
                                        check.run();
                                    } finally {
                                        running.set(false);
                                    }
                                });
                            } catch (java.util.concurrent.RejectedExecutionException e) {
                                running.set(false); // shutting down
                            }
                        },
                        POLICY_CHECK_MILLIS,
                        POLICY_CHECK_MILLIS,
                        TimeUnit.MILLISECONDS);
    }

    private static final long POLICY_CHECK_MILLIS = 250;

    /**
     * Reads the decisions on the statements waiting in this gateway's sessions every quarter second,
     * so a decision made in any web app instance reaches its session within a second; and on the
     * requests of statements refused at once, whose approvals wait for the agent's retry.
     */
    private static void watchHolds(
            EventLoopGroup group, ExecutorService blocking, Approvals approvals, AuditSink audit, LiveSessions live) {
        everyQuarterSecond(
                group,
                blocking,
                () -> true, // standing approvals are read before the first session too
                () -> deliverDecisions(approvals, audit, live.all()));
    }

    private static void closeEach(
            Approvals approvals,
            AuditSink audit,
            List<RetryApprovals.Filed> requests,
            ApprovalDesk.Outcome outcome,
            Instant now) {
        for (RetryApprovals.Filed filed : requests) {
            UUID id = filed.request().id();
            if (approvals.desk().close(id, outcome, now, null)) {
                ApprovalTrail.closed(audit, now, id, filed.agent(), outcome);
            }
        }
    }

    private static void deliverDecisions(Approvals approvals, AuditSink audit, List<Session> sessions) {
        Map<UUID, Session> waiting = new java.util.HashMap<>();
        for (Session session : sessions) {
            Hold hold = session.heldRequest();
            if (hold != null) {
                waiting.put(hold.request().id(), session);
            }
        }
        RetryApprovals retries = approvals.retries();
        java.util.Set<UUID> asked = new java.util.HashSet<>(waiting.keySet());
        asked.addAll(retries.awaitingDecision());
        try {
            Instant now = Instant.now();
            if (!asked.isEmpty()) {
                approvals.desk().decisions(asked).forEach((id, decision) -> {
                    Session session = waiting.get(id);
                    if (session == null) {
                        retries.decided(id, decision, now);
                        return;
                    }
                    session.client().eventLoop().execute(() -> {
                        Hold hold = session.held();
                        if (hold != null && hold.request().id().equals(id)) {
                            hold.settle(new Hold.Decided(decision));
                        }
                    });
                });
            }
            approvals.standing().drainUses().forEach((standing, uses) -> {
                for (int i = 0; i < uses; i++) {
                    if (!approvals.desk().usedStanding(standing)) {
                        log.warn(
                                "standing approval {} ran more often than granted (uses through several gateways at once)",
                                standing);
                    }
                }
            });
            approvals.standing().replace(approvals.desk().standing(now), now);
            closeEach(approvals, audit, retries.expired(now), ApprovalDesk.Outcome.EXPIRED, now);
            closeEach(approvals, audit, retries.lapsed(now), ApprovalDesk.Outcome.LAPSED, now);
        } catch (RuntimeException e) {
            log.warn("cannot read approval decisions from the store: {}", e.getMessage());
        }
    }

    /**
     * Ends the live sessions of agents that were revoked or disabled since they logged in, and the
     * sessions an administrator asked to end. Checked every {@code interval} against the store, so
     * either bites within about that long.
     */
    private static void watchLiveSessions(
            EventLoopGroup group,
            ExecutorService blocking,
            AgentDirectory directory,
            LiveSessions live,
            Duration interval) {
        group.next()
                .scheduleWithFixedDelay(
                        () -> {
                            List<Session> sessions = live.all();
                            if (!sessions.isEmpty()) {
                                blocking.execute(() -> endUnwanted(directory, sessions));
                            }
                        },
                        interval.toMillis(),
                        interval.toMillis(),
                        TimeUnit.MILLISECONDS);
    }

    private static void endUnwanted(AgentDirectory directory, List<Session> sessions) {
        try {
            Set<UUID> inactive = directory.inactive(
                    sessions.stream().map(s -> s.agent().agentId()).collect(Collectors.toSet()));
            Map<UUID, String> requested =
                    directory.endRequests(sessions.stream().map(Session::id).collect(Collectors.toSet()));
            for (Session session : sessions) {
                if (inactive.contains(session.agent().agentId())) {
                    log.info(
                            "ending session {} of agent {}: the agent was revoked or disabled",
                            session.id(),
                            session.agent().name());
                    session.terminate(
                            SqlState.ADMIN_SHUTDOWN,
                            "terminating connection: agent \"" + session.agent().name()
                                    + "\" was revoked or disabled in Vigil");
                } else if (requested.containsKey(session.id())) {
                    log.info(
                            "ending session {} of agent {}: an administrator asked to",
                            session.id(),
                            session.agent().name());
                    session.terminate(SqlState.ADMIN_SHUTDOWN, requested.get(session.id()));
                }
            }
        } catch (RuntimeException e) {
            log.warn("cannot check live sessions against the store: {}", e.getMessage());
        }
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) server.localAddress();
    }

    /** How many sessions of the agent are open in this gateway now. */
    public int liveSessions(UUID agentId) {
        return live.of(agentId).size();
    }

    /** Stops accepting, closes every connection, and stops the event loops. */
    @Override
    public void close() {
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
        blocking.shutdown();
        analyzer.close();
    }

    /**
     * Event-loop threads with a large stack (reserved, committed only as used): small statements
     * are parsed right on the event loop, and PostgreSQL's parser recurses without a stack guard.
     */
    private static ThreadFactory eventLoopThreads() {
        AtomicInteger n = new AtomicInteger();
        return task -> {
            Thread t = new FastThreadLocalThread(
                    null, task, "vigil-io-" + n.incrementAndGet(), SqlLimits.EVENT_LOOP_STACK);
            t.setDaemon(true);
            return t;
        };
    }
}
