package io.vigil.proxy.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.vigil.proxy.protocol.PgFrame;
import io.vigil.proxy.protocol.backend.BackendDecoder;
import io.vigil.proxy.protocol.backend.BackendEncoder;
import io.vigil.proxy.protocol.backend.BackendMessage;
import io.vigil.proxy.protocol.backend.ErrorResponse;
import io.vigil.proxy.protocol.backend.ReadyForQuery;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Vigil's own replies to a client never land inside, or ahead of, what the target owes it. */
class ClientRepliesTest {

    private final EmbeddedChannel client = new EmbeddedChannel();
    private final ClientReplies replies = ClientReplies.attach(client);
    private final AtomicBoolean midMessage = new AtomicBoolean();
    private final AtomicBoolean targetIdle = new AtomicBoolean(true);

    ClientRepliesTest() {
        replies.relaying(midMessage::get, targetIdle::get);
    }

    @AfterEach
    void release() {
        client.finishAndReleaseAll();
    }

    private BackendMessage written() {
        ByteBuf bytes = client.readOutbound();
        if (bytes == null) {
            return null;
        }
        PgFrame frame = new PgFrame(bytes.getByte(0), bytes);
        try {
            return BackendDecoder.decode(frame);
        } finally {
            frame.release();
        }
    }

    @Test
    void aFatalErrorIsWrittenOnceThenTheConnectionCloses() {
        replies.fatal("57P01", "terminating");
        replies.fatal("XX000", "a second reason");

        assertThat(written()).isEqualTo(ErrorResponse.fatal("57P01", "terminating"));
        assertThat(written()).isNull();
        assertThat(client.isOpen()).isFalse();
        assertThat(replies.ended()).isTrue();
        assertThat(replies.reads().paused(ReadPause.Reason.ENDED)).isTrue();
    }

    @Test
    void insideARelayedMessageTheConnectionJustCloses() {
        midMessage.set(true);

        replies.fatal("08006", "the connection to the target database was lost");

        assertThat(written()).isNull();
        assertThat(client.isOpen()).isFalse();
    }

    @Test
    void aReplyWaitsUntilTheTargetOwesNothingAndTheClientIsNotReadMeanwhile() {
        targetIdle.set(false);
        AtomicBoolean replied = new AtomicBoolean();

        replies.whenIdle(() -> replied.set(true));
        replies.targetAnswered(); // one ReadyForQuery of several owed

        assertThat(replied).isFalse();
        assertThat(replies.awaitsIdle()).isTrue();
        assertThat(client.config().isAutoRead()).isFalse();

        targetIdle.set(true);
        replies.targetAnswered();

        assertThat(replied).isTrue();
        assertThat(replies.awaitsIdle()).isFalse();
        assertThat(client.config().isAutoRead()).isTrue();
    }

    @Test
    void aReplyToAnIdleSessionGoesAtOnce() {
        replies.whenIdle(() -> replies.send(new ReadyForQuery((byte) 'I')));

        assertThat(written()).isEqualTo(new ReadyForQuery((byte) 'I'));
        assertThat(client.config().isAutoRead()).isTrue();
    }

    @Test
    void onlyAWholeMessageOfTheTargetsIsReplaced() {
        AtomicReference<Object> relayed = new AtomicReference<>();
        EmbeddedChannel target =
                new EmbeddedChannel(new ChannelInboundHandlerAdapter(), new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        relayed.set(msg);
                    }
                });
        ChannelHandlerContext targetSide = target.pipeline().firstContext();
        ErrorResponse substituteError = ErrorResponse.error("42601", "syntax error at end of input");
        ErrorResponse refusal = ErrorResponse.error("42501", "denied by Vigil policy 'baseline'");

        ByteBuf partial = BackendEncoder.encode(substituteError, target.alloc());
        PgFrame head = PgFrame.head(BackendMessage.ERROR_RESPONSE, partial);
        assertThatThrownBy(() -> ClientReplies.inPlaceOf(targetSide, head, refusal))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(head.refCnt()).isEqualTo(1);
        head.release();

        PgFrame whole =
                // Unpooled: a pooled buffer's object is reused at once, for the reply.
                new PgFrame(
                        BackendMessage.ERROR_RESPONSE,
                        BackendEncoder.encode(substituteError, UnpooledByteBufAllocator.DEFAULT));
        ClientReplies.inPlaceOf(targetSide, whole, refusal);

        assertThat(whole.refCnt()).isZero();
        // A frame, so what comes after reads it as the target's (the trail records it as the outcome).
        PgFrame frame = (PgFrame) relayed.get();
        try {
            assertThat(BackendDecoder.decode(frame)).isEqualTo(refusal);
        } finally {
            frame.release();
            target.finishAndReleaseAll();
        }
    }

    @Test
    void nothingFollowsTheFatalError() {
        replies.fatal("08006", "authentication timed out");
        written();

        replies.send(new ReadyForQuery((byte) 'I'));

        assertThat(written()).isNull();
    }

    @Test
    void aDeferredReplyThatFailsStillLetsTheClientBeRead() {
        targetIdle.set(false);
        replies.whenIdle(() -> {
            throw new IllegalStateException("a bug in a reply");
        });
        targetIdle.set(true);

        assertThatThrownBy(replies::targetAnswered).isInstanceOf(IllegalStateException.class);
        assertThat(replies.reads().paused(ReadPause.Reason.REPLY_PENDING)).isFalse();
    }
}
