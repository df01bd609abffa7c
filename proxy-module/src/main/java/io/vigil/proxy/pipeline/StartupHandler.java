package io.vigil.proxy.pipeline;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.ssl.SslHandler;
import io.vigil.proxy.policy.StartupPolicy;
import io.vigil.proxy.protocol.MessageFrameDecoder;
import io.vigil.proxy.protocol.SqlState;
import io.vigil.proxy.protocol.backend.NegotiateProtocolVersion;
import io.vigil.proxy.protocol.frontend.CancelRequest;
import io.vigil.proxy.protocol.frontend.FrontendMessage;
import io.vigil.proxy.protocol.frontend.GSSENCRequest;
import io.vigil.proxy.protocol.frontend.SSLRequest;
import io.vigil.proxy.protocol.frontend.StartupFrameDecoder;
import io.vigil.proxy.protocol.frontend.StartupMessage;
import io.vigil.proxy.session.ClientReplies;
import io.vigil.proxy.session.Hold;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Handles the packets a connection opens with. Encryption requests are declined with 'N' (the
 * client may then go on in the clear); a StartupMessage switches the connection to regular framing
 * and hands it to {@link ClientAuthHandler}.
 */
final class StartupHandler extends SimpleChannelInboundHandler<FrontendMessage> {

    private static final Logger log = LoggerFactory.getLogger(StartupHandler.class);
    private static final byte DECLINED = 'N';
    private static final byte ACCEPTED = 'S';

    private final GatewayContext context;
    /** PostgreSQL answers each kind of encryption request once per connection; so does Vigil. */
    private boolean sslRequested;

    private boolean gssRequested;

    StartupHandler(GatewayContext context) {
        this.context = context;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FrontendMessage message) {
        switch (message) {
            case SSLRequest r
            when !sslRequested -> {
                sslRequested = true;
                startTls(ctx);
            }
            case GSSENCRequest r
            when !gssRequested -> {
                gssRequested = true;
                decline(ctx, "GSSAPI encryption request");
            }
            case SSLRequest r ->
                ClientReplies.of(ctx.channel()).fatal(SqlState.PROTOCOL_VIOLATION, "SSLRequest sent twice");
            case GSSENCRequest r ->
                ClientReplies.of(ctx.channel()).fatal(SqlState.PROTOCOL_VIOLATION, "GSSENCRequest sent twice");
            case CancelRequest r -> cancel(ctx, r);
            case StartupMessage m -> startup(ctx, m);
            default -> ClientReplies.of(ctx.channel()).fatal(SqlState.PROTOCOL_VIOLATION, "unexpected startup packet");
        }
    }

    /**
     * Accepts TLS when the gateway has a certificate: answers 'S' in the clear, then everything
     * after it goes through the TLS handler.
     */
    private void startTls(ChannelHandlerContext ctx) {
        if (context.tls() == null || ctx.pipeline().get(SslHandler.class) != null) {
            decline(ctx, "SSL request");
            return;
        }
        if (sentUnencryptedData(ctx, "SSL request")) {
            return;
        }
        ctx.pipeline().addFirst(PipelineNames.TLS, context.tls().newHandler(ctx.alloc()));
        // Written from the TLS handler's own context, the answer bypasses it: 'S' goes out in the clear.
        ctx.pipeline().context(PipelineNames.TLS).writeAndFlush(Unpooled.wrappedBuffer(new byte[] {ACCEPTED}));
    }

    /** A cancel gets no answer, as in PostgreSQL: the connection just closes. */
    private void cancel(ChannelHandlerContext ctx, CancelRequest request) {
        context.cancelKeys()
                .find(request.processId(), request.secretKey())
                .ifPresentOrElse(
                        session -> {
                            String from = SessionStart.address(ctx.channel());
                            EventLoop loop = ctx.channel().eventLoop();
                            // The session's chain is written on its own event loop only.
                            session.client().eventLoop().execute(() -> {
                                Hold held = session.held();
                                if (held != null) {
                                    // What waits for a person has not reached the target: the cancel ends the wait.
                                    session.recordCancel(context.clock().instant(), from);
                                    held.settle(new Hold.Cancelled());
                                } else if (session.takeCancel()) {
                                    session.recordCancel(context.clock().instant(), from);
                                    CancelForwarder.forward(session, loop, context.upstreamChannel());
                                } else {
                                    log.debug("cancel for session {} not passed on: nothing to cancel", session.id());
                                }
                            });
                        },
                        () -> log.info(
                                "cancel request with an unknown key from {}",
                                ctx.channel().remoteAddress()));
        ctx.close();
    }

    /** Answers 'N': the client goes on in the clear, or with TLS after a declined GSSENCRequest. */
    private static void decline(ChannelHandlerContext ctx, String request) {
        ctx.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {DECLINED}));
        sentUnencryptedData(ctx, request);
    }

    /**
     * A client must wait for the answer to an encryption request before it sends anything else, so
     * bytes that arrived behind the request were not sent by it after the answer: someone in the
     * middle could have put them there (the CVE-2021-23214 class). PostgreSQL refuses them whether
     * it accepts the request or not, and so does Vigil.
     *
     * @return true if the connection is being refused
     */
    private static boolean sentUnencryptedData(ChannelHandlerContext ctx, String request) {
        if (!ctx.pipeline().get(StartupFrameDecoder.class).hasBufferedBytes()) {
            return false;
        }
        log.warn("refusing {}: data arrived behind its {}", ctx.channel().remoteAddress(), request);
        ClientReplies.of(ctx.channel())
                .fatal(SqlState.PROTOCOL_VIOLATION, "received unencrypted data after " + request);
        return true;
    }

    private void startup(ChannelHandlerContext ctx, StartupMessage startup) {
        String user = startup.user();
        if (user == null || user.isEmpty()) {
            ClientReplies.of(ctx.channel())
                    .fatal(
                            SqlState.INVALID_AUTHORIZATION_SPECIFICATION,
                            "no PostgreSQL user name specified in startup packet");
            return;
        }
        switch (StartupPolicy.check(startup)) {
            case StartupPolicy.Refuse refuse ->
                ClientReplies.of(ctx.channel()).fatal(refuse.sqlState(), refuse.message());
            case StartupPolicy.Accept accept -> authenticate(ctx, startup, accept);
        }
    }

    private void authenticate(ChannelHandlerContext ctx, StartupMessage startup, StartupPolicy.Accept accept) {
        if (startup.minorVersion() > 0 || !accept.declinedProtocolOptions().isEmpty()) {
            // We speak 3.0: say so, and name the protocol options we ignore; the client goes on.
            ClientReplies.of(ctx.channel()).send(new NegotiateProtocolVersion(0, accept.declinedProtocolOptions()));
        }
        var pipeline = ctx.pipeline();
        // The new decoder and the authentication handler are in place before the startup decoder
        // goes: bytes the client sent behind its StartupMessage flow from it into them, not past them.
        pipeline.addAfter(
                PipelineNames.STARTUP_DECODER,
                PipelineNames.FRAME_DECODER,
                new MessageFrameDecoder(
                        context.limits().maxUnauthenticatedMessageLength(), FrontendMessage.TYPES_AUTHENTICATING));
        pipeline.replace(this, PipelineNames.CLIENT_AUTH, new ClientAuthHandler(context, startup, accept.forwarded()));
        pipeline.remove(PipelineNames.STARTUP_DECODER);
    }
}
