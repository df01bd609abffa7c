package io.vigil.proxy.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.vigil.proxy.audit.AuditEvent;
import io.vigil.proxy.audit.AuditEvent.LoginRefused;
import io.vigil.proxy.protocol.WireLimits;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A refused login is one trail record and one FATAL, however many messages the client had already
 * sent behind the one that got it refused: a single connection must not flood the trail.
 */
class LoginRefusalTest {

    private final List<AuditEvent> recorded = new ArrayList<>();
    private final List<Object> stalled = new ArrayList<>();

    @Test
    void framesQueuedBehindARefusalAreDroppedNotAnsweredOrRecorded() {
        EmbeddedChannel channel = new EmbeddedChannel(new ClientChannelInitializer(
                PreAuthentication.context(new WireLimits(10_000, 8_192, 1 << 20), link -> recorded.add(link.event()))));
        channel.writeInbound(startup("ghost", "shop"));
        channel.runPendingTasks();
        ByteBuf sasl = channel.readOutbound();
        assertThat((char) sasl.getByte(0)).as("AuthenticationSASL").isEqualTo('R');
        sasl.release();

        // The client stops reading: from now on nothing the gateway writes completes, so the close
        // that follows a FATAL waits while the frames already received are still being handled.
        channel.pipeline().addFirst(new ChannelOutboundHandlerAdapter() {
            @Override
            public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
                stalled.add(msg);
            }
        });
        ByteBuf flood = Unpooled.buffer();
        for (int i = 0; i < 500; i++) {
            flood.writeBytes(saslInitialResponse("BOGUS-" + i));
        }
        channel.writeInbound(flood);
        channel.runPendingTasks();

        assertThat(recorded).singleElement().isInstanceOfSatisfying(LoginRefused.class, refused -> {
            assertThat(refused.user()).isEqualTo("ghost");
            assertThat(refused.sqlState()).isEqualTo("28000");
            assertThat(refused.reason()).isEqualTo("SASL mechanism not supported: BOGUS-0");
        });
        assertThat(stalled).as("one FATAL ErrorResponse").singleElement().satisfies(m -> assertThat(
                        (char) ((ByteBuf) m).getByte(0))
                .isEqualTo('E'));
        stalled.forEach(io.netty.util.ReferenceCountUtil::release);
        channel.finishAndReleaseAll();
    }

    private static ByteBuf startup(String user, String database) {
        byte[] params = ("user\0" + user + "\0database\0" + database + "\0\0").getBytes(StandardCharsets.UTF_8);
        return Unpooled.buffer().writeInt(8 + params.length).writeInt(196_608).writeBytes(params);
    }

    private static ByteBuf saslInitialResponse(String mechanism) {
        byte[] name = (mechanism + "\0").getBytes(StandardCharsets.UTF_8);
        return Unpooled.buffer()
                .writeByte('p')
                .writeInt(4 + name.length + 4)
                .writeBytes(name)
                .writeInt(-1);
    }
}
