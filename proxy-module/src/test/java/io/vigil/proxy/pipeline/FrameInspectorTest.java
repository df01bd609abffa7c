package io.vigil.proxy.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import io.vigil.proxy.protocol.PgFrame;
import io.vigil.proxy.protocol.PgFramePart;
import org.junit.jupiter.api.Test;

/** A long frame relayed in parts goes where its head went: on, or dropped with it. */
class FrameInspectorTest {

    /** Keeps back (and releases) every ErrorResponse, passes everything else. */
    private static final class DropsErrors extends FrameInspector {
        @Override
        boolean inspect(ChannelHandlerContext ctx, PgFrame frame) {
            if (frame.type() == 'E') {
                ReferenceCountUtil.release(frame);
                return false;
            }
            return true;
        }
    }

    @Test
    void thePartsOfAHeadKeptBackAreDroppedAndThePartsOfAHeadPassedOnFollowIt() {
        EmbeddedChannel channel = new EmbeddedChannel(new DropsErrors());
        PgFramePart droppedPart = part();
        channel.writeInbound(PgFrame.head((byte) 'E', bytes()), droppedPart, part());
        assertThat(channel.inboundMessages())
                .as("an error's head and its parts")
                .isEmpty();
        assertThat(droppedPart.refCnt()).as("released, not leaked").isZero();

        channel.writeInbound(PgFrame.head((byte) 'D', bytes()), part());
        assertThat(channel.<Object>readInbound()).isInstanceOf(PgFrame.class);
        assertThat(channel.<Object>readInbound())
                .as("a row's part follows its head")
                .isInstanceOf(PgFramePart.class);
        channel.finishAndReleaseAll();
    }

    private static PgFramePart part() {
        return new PgFramePart(bytes());
    }

    private static ByteBuf bytes() {
        return Unpooled.buffer().writeZero(8);
    }
}
