package io.vigil.proxy.pipeline;

import io.netty.buffer.ByteBufHolder;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.vigil.proxy.session.ReadPause;

/**
 * Relays frames to the peer channel untouched. Writes are flushed once per read batch. When the
 * peer cannot keep up (its outbound buffer passes the high-water mark) this side stops reading until
 * the peer drains: memory stays bounded however slow the reader.
 */
final class RelayHandler extends ChannelInboundHandlerAdapter {

    private final Channel peer;
    private final ReadPause ownReads;
    private final ReadPause peerReads;
    private final boolean closePeerWhenDone;

    /**
     * @param ownReads pauses reading this side while the peer is backed up
     * @param peerReads lets the peer read again once this side has drained
     * @param closePeerWhenDone close the peer, once what was relayed is written, when this side
     *     closes (the target's side does; the client's leaves that to the session, see
     *     SessionStart#clientGone)
     */
    RelayHandler(Channel peer, ReadPause ownReads, ReadPause peerReads, boolean closePeerWhenDone) {
        this.peer = peer;
        this.ownReads = ownReads;
        this.peerReads = peerReads;
        this.closePeerWhenDone = closePeerWhenDone;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!peer.isActive()) {
            ReferenceCountUtil.release(msg);
            return;
        }
        peer.write(msg instanceof ByteBufHolder frame ? frame.content() : msg, peer.voidPromise());
        if (!peer.isWritable()) {
            ownReads.pause(ReadPause.Reason.PEER_BACKLOG);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        peer.flush();
        ctx.fireChannelReadComplete();
    }

    /** This side drained: the peer may read (and so write to us) again. */
    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            peerReads.resume(ReadPause.Reason.PEER_BACKLOG);
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (closePeerWhenDone && peer.isActive()) {
            peer.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
        ctx.fireChannelInactive();
    }
}
