package io.vigil.proxy.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.vigil.proxy.UpstreamTls;
import io.vigil.proxy.audit.AuditEvent;
import io.vigil.proxy.audit.AuditEvent.LoginRefused;
import io.vigil.proxy.directory.AgentDirectory;
import io.vigil.proxy.directory.AgentLogin;
import io.vigil.proxy.protocol.WireLimits;
import io.vigil.proxy.session.CancelKeys;
import io.vigil.proxy.session.LiveSessions;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
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
        EmbeddedChannel channel = new EmbeddedChannel(new ClientChannelInitializer(context()));
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

    private GatewayContext context() {
        SecureRandom random = new SecureRandom();
        return new GatewayContext(
                new WireLimits(10_000, 8_192, 1 << 20),
                Duration.ofSeconds(60),
                Duration.ofHours(1),
                new NoAgents(),
                link -> recorded.add(link.event()),
                Runnable::run,
                random,
                new byte[32],
                InstantSource.system(),
                new CancelKeys(random),
                new LiveSessions(),
                null,
                null,
                new UpstreamTls(null),
                null,
                NioSocketChannel.class);
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

    private static final class NoAgents implements AgentDirectory {
        @Override
        public Optional<AgentLogin> find(String user) {
            return Optional.empty();
        }

        @Override
        public Set<UUID> inactive(Set<UUID> agentIds) {
            return agentIds;
        }

        @Override
        public Map<UUID, String> endRequests(Set<UUID> sessionIds) {
            return Map.of();
        }
    }
}
