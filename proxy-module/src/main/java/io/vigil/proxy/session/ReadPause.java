package io.vigil.proxy.session;

import io.netty.channel.Channel;
import java.util.EnumSet;

/**
 * Why a channel is not being read. Several parts of the gateway may each need a channel to stop
 * reading for a while; it reads again only once every one of them has let go, so one cannot resume
 * reading early behind another's back. Use on the channel's event loop only.
 */
public final class ReadPause {

    public enum Reason {
        /** The client is being authenticated, or logged in at the target: read when it is asked. */
        LOGIN,
        /** The peer's outbound buffer is over its high-water mark. */
        PEER_BACKLOG,
        /** The audit trail is behind: the agent slows to its pace. */
        TRAIL_CONGESTED,
        /** A statement is being parsed on a parser thread; what follows it waits. */
        PARSING,
        /** The target is asked where a statement's relations are; what follows it waits. */
        LOOKUP,
        /** A statement under a row cap runs: what follows it waits until its count is known. */
        COUNTING,
        /** A statement waits for a person's approval: what follows it waits too. */
        APPROVAL,
        /** A reply of the gateway's own waits for the target's answers in flight. */
        REPLY_PENDING,
        /** The gateway has ended the session: nothing more is read from the client. */
        ENDED
    }

    private final Channel channel;
    private final EnumSet<Reason> reasons = EnumSet.noneOf(Reason.class);

    public ReadPause(Channel channel) {
        this.channel = channel;
    }

    public void pause(Reason reason) {
        reasons.add(reason);
        channel.config().setAutoRead(false);
    }

    public void resume(Reason reason) {
        if (reasons.remove(reason) && reasons.isEmpty()) {
            channel.config().setAutoRead(true);
        }
    }

    public boolean paused(Reason reason) {
        return reasons.contains(reason);
    }
}
