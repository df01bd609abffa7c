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
 * Messages a client sends before it is asked for them. A refused login is one trail record and one
 * FATAL, however many messages the client had already sent behind the one that got it refused: a
 * single connection must not flood the trail. A message sent behind the StartupMessage is handled
 * once the gateway has asked for it, as PostgreSQL would; more than a few are a violation.
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

    @Test
    void aMessageSentBehindTheStartupMessageIsHandledOnceTheAgentIsLookedUp() {
        EmbeddedChannel channel = new EmbeddedChannel(new ClientChannelInitializer(
                PreAuthentication.context(new WireLimits(10_000, 8_192, 1 << 20), link -> recorded.add(link.event()))));
        channel.writeInbound(Unpooled.wrappedBuffer(startup("ghost", "shop"), saslInitialResponse("BOGUS-0")));
        channel.runPendingTasks();

        assertThat(outboundTypes(channel))
                .as("AuthenticationSASL, then the answer to the early message")
                .containsExactly('R', 'E');
        assertThat(recorded).singleElement().isInstanceOfSatisfying(LoginRefused.class, refused -> assertThat(
                        refused.reason())
                .isEqualTo("SASL mechanism not supported: BOGUS-0"));
        channel.finishAndReleaseAll();
    }

    @Test
    void moreThanAFewMessagesBeforeTheAuthenticationRequestAreAProtocolViolation() {
        EmbeddedChannel channel = new EmbeddedChannel(new ClientChannelInitializer(
                PreAuthentication.context(new WireLimits(10_000, 8_192, 1 << 20), link -> recorded.add(link.event()))));
        ByteBuf early = Unpooled.buffer().writeBytes(startup("ghost", "shop"));
        for (int i = 0; i < 5; i++) {
            early.writeBytes(saslInitialResponse("BOGUS-" + i));
        }
        channel.writeInbound(early);
        channel.runPendingTasks();

        ByteBuf error = channel.readOutbound();
        assertThat(error.toString(StandardCharsets.UTF_8))
                .contains("08P01")
                .contains("more than 4 messages sent before the authentication request");
        error.release();
        assertThat(recorded).isEmpty();
        assertThat(channel.isOpen()).isFalse();
        channel.finishAndReleaseAll();
    }

    private static List<Character> outboundTypes(EmbeddedChannel channel) {
        List<Character> types = new ArrayList<>();
        for (ByteBuf out = channel.readOutbound(); out != null; out = channel.readOutbound()) {
            types.add((char) out.getByte(0));
            out.release();
        }
        return types;
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
