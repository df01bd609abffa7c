package io.vigil.proxy.pipeline;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.vigil.proxy.protocol.backend.BackendEncoder;
import io.vigil.proxy.protocol.backend.BackendMessage;
import io.vigil.proxy.protocol.backend.ErrorResponse;

/** Writing the gateway's own messages to a client. */
final class Replies {

    private Replies() {}

    static void write(Channel channel, BackendMessage message) {
        channel.write(BackendEncoder.encode(message, channel.alloc()));
    }

    /** Sends a FATAL ErrorResponse and closes once it is flushed. */
    static void fatal(Channel channel, String sqlState, String message) {
        if (!channel.isActive()) {
            return;
        }
        channel.config().setAutoRead(false);
        channel.writeAndFlush(BackendEncoder.encode(ErrorResponse.fatal(sqlState, message), channel.alloc()))
                .addListener(ChannelFutureListener.CLOSE);
    }
}
