package io.vigil.proxy.session;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import io.vigil.proxy.protocol.PgFrame;
import io.vigil.proxy.protocol.backend.BackendEncoder;
import io.vigil.proxy.protocol.backend.BackendMessage;
import io.vigil.proxy.protocol.backend.ErrorResponse;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The one way Vigil writes messages of its own to a client, and why the client is not being read.
 * One per client connection, from its first byte to its close.
 *
 * <p>A reply of Vigil's may never land inside the target's answers: not between the parts of a
 * long message being relayed as it comes (the client would read Vigil's bytes as the rest of a
 * row), and not ahead of answers the target still owes for what the client sent before. So:
 *
 * <ul>
 *   <li>{@link #send} during login, before the target says anything the client sees;
 *   <li>{@link #whenIdle} in a session: once every answer owed has been relayed, reads paused meanwhile;
 *   <li>{@link #inPlaceOf} a complete message of the target's, relayed where that one would have been;
 *   <li>{@link #fatal} to end the connection: the error, then the close; mid-message only the close.
 * </ul>
 *
 * On the client's event loop only.
 */
public final class ClientReplies {

    private static final AttributeKey<ClientReplies> KEY = AttributeKey.valueOf("vigil.replies");

    /** How long a client ended by the gateway has to take its FATAL error before it is cut off. */
    static final long FATAL_WRITE_LIMIT_MILLIS = 1_000;

    private final Channel client;
    private final ReadPause reads;
    /** Whether the target's answer relayed to the client is part-way through a message. */
    private BooleanSupplier relayMidMessage = () -> false;
    /** Whether the target owes the client no answer. */
    private BooleanSupplier targetIdle = () -> true;

    private Runnable deferred;
    private boolean ended;

    private ClientReplies(Channel client) {
        this.client = client;
        this.reads = new ReadPause(client);
    }

    /** Gives a new client connection its replies; once, before anything is read. */
    public static ClientReplies attach(Channel client) {
        ClientReplies replies = new ClientReplies(client);
        client.attr(KEY).set(replies);
        return replies;
    }

    public static ClientReplies of(Channel client) {
        ClientReplies replies = client.attr(KEY).get();
        if (replies == null) {
            throw new IllegalStateException("a client connection without replies");
        }
        return replies;
    }

    /** Why the client is not being read (each reason is released separately). */
    public ReadPause reads() {
        return reads;
    }

    /** From now on the target's answers are relayed to the client: replies keep out of their way. */
    void relaying(BooleanSupplier midMessage, BooleanSupplier idle) {
        this.relayMidMessage = midMessage;
        this.targetIdle = idle;
    }

    /**
     * Writes and flushes messages of Vigil's own while nothing of the target's is relayed; nothing
     * once the connection is being ended (its FATAL error is the last thing the client gets).
     */
    public void send(BackendMessage... messages) {
        if (ended) {
            return;
        }
        for (BackendMessage message : messages) {
            client.write(BackendEncoder.encode(message, client.alloc()));
        }
        client.flush();
    }

    /**
     * Runs {@code reply} once every answer the target owes the client has been relayed, so a reply
     * of the gateway's own lands in protocol order. Reading pauses meanwhile.
     */
    public void whenIdle(Runnable reply) {
        if (targetIdle.getAsBoolean()) {
            reply.run();
            return;
        }
        reads.pause(ReadPause.Reason.REPLY_PENDING);
        deferred = () -> {
            try {
                reply.run();
            } finally {
                reads.resume(ReadPause.Reason.REPLY_PENDING);
            }
        };
    }

    public boolean awaitsIdle() {
        return deferred != null;
    }

    /** Called after the target's ReadyForQuery was relayed. */
    public void targetAnswered() {
        if (deferred != null && targetIdle.getAsBoolean()) {
            Runnable reply = deferred;
            deferred = null;
            reply.run();
        }
    }

    /**
     * Relays {@code reply} where the target's complete {@code frame} would have gone, and drops that
     * frame. {@code targetSide} is the context on the target's connection the frame came through.
     */
    public static void inPlaceOf(ChannelHandlerContext targetSide, PgFrame frame, BackendMessage reply) {
        if (!frame.complete()) {
            throw new IllegalArgumentException("only a whole message can be replaced");
        }
        ReferenceCountUtil.release(frame);
        // As a frame: what comes after the replacing handler (the trail's) reads it as the target's.
        ByteBuf encoded = BackendEncoder.encode(reply, targetSide.alloc());
        targetSide.fireChannelRead(new PgFrame(encoded.getByte(encoded.readerIndex()), encoded));
    }

    public void fatal(String sqlState, String message) {
        fatal(ErrorResponse.fatal(sqlState, message));
    }

    /**
     * Ends the connection: nothing more is read, the client gets its last error, then the
     * connection closes. Inside a message being relayed in parts it just closes. A client that does
     * not read would keep the error, and so the connection, pending: it is cut off after a second.
     * Once only.
     */
    public void fatal(ErrorResponse error) {
        if (ended) {
            return;
        }
        ended = true;
        reads.pause(ReadPause.Reason.ENDED);
        if (!client.isActive()) {
            return;
        }
        if (relayMidMessage.getAsBoolean()) {
            client.close();
            return;
        }
        client.writeAndFlush(BackendEncoder.encode(error, client.alloc())).addListener(ChannelFutureListener.CLOSE);
        client.eventLoop().schedule(() -> client.close(), FATAL_WRITE_LIMIT_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** Whether the connection is being ended by the gateway: what the client still sends is dropped. */
    public boolean ended() {
        return ended;
    }
}
