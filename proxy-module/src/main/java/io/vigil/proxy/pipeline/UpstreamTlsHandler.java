package io.vigil.proxy.pipeline;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import io.vigil.proxy.directory.Target;
import io.vigil.proxy.protocol.ProtocolViolation;
import io.vigil.proxy.protocol.frontend.SSLRequest;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

/**
 * Opens TLS to a target before the login, as libpq does for sslmode=require and verify-full.
 *
 * <pre>
 * Vigil                        PostgreSQL
 *   | SSLRequest                   |
 *   |----------------------------->|
 *   |                 'S' (or 'N') |  'N': the target refuses TLS, the login fails
 *   |<-----------------------------|
 *   |  TLS handshake               |  verify-full: certificate and host name checked
 *   |<---------------------------->|
 *   |  StartupMessage ... (in TLS) |  UpstreamLoginHandler goes on when the handshake completes
 * </pre>
 *
 * Bytes that arrive together with the 'S' did not come through TLS: they are refused (the
 * CVE-2021-23222 class, a man in the middle injecting a plaintext answer).
 */
final class UpstreamTlsHandler extends ChannelInboundHandlerAdapter {

    private final Target target;
    private final SslContext tls;

    UpstreamTlsHandler(Target target, SslContext tls) {
        this.target = target;
        this.tls = tls;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        ByteBuf request = Unpooled.buffer(8).writeInt(8).writeInt(SSLRequest.CODE);
        ctx.writeAndFlush(request);
        // The login handler must wait for TLS, so it does not see channelActive now.
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf answer = (ByteBuf) msg;
        try {
            if (answer.readableBytes() != 1) {
                throw new ProtocolViolation("the target sent data along with its answer to SSLRequest");
            }
            if (answer.readByte() != 'S') {
                throw new ProtocolViolation("target \"" + target.name() + "\" does not accept TLS");
            }
        } finally {
            ReferenceCountUtil.release(answer);
        }
        SSLEngine engine = tls.newEngine(ctx.alloc(), target.host(), target.port());
        if (target.tlsMode() == Target.TlsMode.VERIFY_FULL) {
            SSLParameters parameters = engine.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            engine.setSSLParameters(parameters);
        }
        ctx.pipeline().replace(this, PipelineNames.TLS, new SslHandler(engine));
    }
}
