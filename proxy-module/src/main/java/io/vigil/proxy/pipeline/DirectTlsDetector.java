package io.vigil.proxy.pipeline;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.vigil.proxy.TlsSettings;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PostgreSQL 17's direct TLS ({@code sslnegotiation=direct}): the client skips SSLRequest and opens
 * with a TLS ClientHello, which must name the ALPN protocol "postgresql".
 *
 * <pre>
 *   client                         Vigil
 *     | TLS ClientHello (ALPN postgresql)
 *     |------------------------------>|  first byte 0x16: TLS handler in, this one out
 *     |<------ TLS handshake -------->|  ALPN other than "postgresql": closed, as PostgreSQL does
 *     | StartupMessage (inside TLS)   |
 *     |------------------------------>|  startup as usual
 * </pre>
 *
 * <p>The first byte tells the two apart: a startup packet opens with its length, whose high byte is
 * 0 for any length the gateway accepts, and a TLS record opens with 22 (handshake).
 */
final class DirectTlsDetector extends ByteToMessageDecoder {

    private static final Logger log = LoggerFactory.getLogger(DirectTlsDetector.class);
    private static final int TLS_HANDSHAKE_RECORD = 0x16;

    private final SslContext tls;

    DirectTlsDetector(SslContext tls) {
        this.tls = tls;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (!in.isReadable()) {
            return;
        }
        if (in.getUnsignedByte(in.readerIndex()) != TLS_HANDSHAKE_RECORD) {
            ctx.pipeline().remove(this); // what it buffered goes on to the startup decoder
            return;
        }
        SslHandler handler = tls.newHandler(ctx.alloc());
        handler.handshakeFuture().addListener(done -> {
            if (done.isSuccess() && !TlsSettings.ALPN_POSTGRESQL.equals(handler.applicationProtocol())) {
                log.warn(
                        "closing {}: direct TLS connection without ALPN protocol \"postgresql\"",
                        ctx.channel().remoteAddress());
                ctx.channel().close();
            }
        });
        // Replacing hands the bytes buffered here to the TLS handler.
        ctx.pipeline().replace(this, PipelineNames.TLS, handler);
    }
}
