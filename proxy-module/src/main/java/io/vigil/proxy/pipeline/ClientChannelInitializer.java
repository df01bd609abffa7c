package io.vigil.proxy.pipeline;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.vigil.proxy.protocol.SqlState;
import io.vigil.proxy.protocol.frontend.StartupFrameDecoder;
import io.vigil.proxy.session.ClientReplies;
import java.util.concurrent.TimeUnit;

/** Sets up a new client connection, and bounds how long it may take to authenticate. */
public final class ClientChannelInitializer extends ChannelInitializer<Channel> {

    private final GatewayContext context;

    public ClientChannelInitializer(GatewayContext context) {
        this.context = context;
    }

    @Override
    protected void initChannel(Channel ch) {
        ClientReplies replies = ClientReplies.attach(ch);
        if (context.tls() != null) {
            ch.pipeline().addLast(PipelineNames.DIRECT_TLS, new DirectTlsDetector(context.tls()));
        }
        ch.pipeline()
                .addLast(
                        PipelineNames.STARTUP_DECODER,
                        new StartupFrameDecoder(context.limits().maxStartupLength()))
                .addLast(PipelineNames.STARTUP, new StartupHandler(context))
                .addLast(PipelineNames.ERRORS, new ClientErrorHandler());
        var timeout = ch.eventLoop()
                .schedule(
                        () -> {
                            if (ch.pipeline().get(PipelineNames.RELAY) == null) {
                                replies.fatal(SqlState.CONNECTION_FAILURE, "authentication timed out");
                            }
                        },
                        context.authenticationTimeout().toMillis(),
                        TimeUnit.MILLISECONDS);
        ch.closeFuture().addListener(f -> timeout.cancel(false));
    }
}
