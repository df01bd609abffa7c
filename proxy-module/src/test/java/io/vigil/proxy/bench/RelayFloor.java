package io.vigil.proxy.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import java.util.concurrent.CountDownLatch;

/**
 * The floor a JVM gateway starts from: a Netty relay that copies bytes between each client and its
 * own connection to PostgreSQL, on the gateway's transport and thread count, and does nothing else
 * (no protocol, no login of its own, no recording). bench/pgbench-compare.sh -x runs it beside the
 * others, so what Vigil costs above it is what Vigil does.
 *
 * <pre>
 *   RelayFloor &lt;listen port&gt; &lt;PostgreSQL port&gt; &lt;event loops&gt;
 * </pre>
 */
public final class RelayFloor {

    private RelayFloor() {}

    public static void main(String[] args) throws InterruptedException {
        int listen = Integer.parseInt(args[0]);
        int target = Integer.parseInt(args[1]);
        EventLoopGroup loops = new MultiThreadIoEventLoopGroup(Integer.parseInt(args[2]), EpollIoHandler.newFactory());
        new ServerBootstrap()
                .group(loops)
                .channel(EpollServerSocketChannel.class)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.AUTO_READ, false)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel client) {
                        new Bootstrap()
                                .group(client.eventLoop())
                                .channel(EpollSocketChannel.class)
                                .option(ChannelOption.TCP_NODELAY, true)
                                .handler(new Copy(client))
                                .connect("127.0.0.1", target)
                                .addListener((ChannelFutureListener) connected -> {
                                    if (!connected.isSuccess()) {
                                        client.close();
                                        return;
                                    }
                                    client.pipeline().addLast(new Copy(connected.channel()));
                                    client.config().setAutoRead(true);
                                });
                    }
                })
                .bind("127.0.0.1", listen)
                .sync();
        System.out.println("READY");
        new CountDownLatch(1).await();
    }

    /** Writes what one side sends to the other, flushing once per read burst. */
    private static final class Copy extends ChannelInboundHandlerAdapter {
        private final Channel other;

        Copy(Channel other) {
            this.other = other;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            other.write(msg, other.voidPromise());
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            other.flush();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            other.close();
        }
    }
}
