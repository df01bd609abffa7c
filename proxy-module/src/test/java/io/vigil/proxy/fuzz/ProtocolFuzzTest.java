package io.vigil.proxy.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import io.vigil.proxy.pipeline.ClientChannelInitializer;
import io.vigil.proxy.pipeline.GatewayContext;
import io.vigil.proxy.pipeline.PreAuthentication;
import io.vigil.proxy.protocol.MessageFrameDecoder;
import io.vigil.proxy.protocol.PgFrame;
import io.vigil.proxy.protocol.ProtocolViolation;
import io.vigil.proxy.protocol.WireLimits;
import io.vigil.proxy.protocol.backend.BackendDecoder;
import io.vigil.proxy.protocol.backend.BackendMessage;
import io.vigil.proxy.protocol.frontend.Bind;
import io.vigil.proxy.protocol.frontend.Close;
import io.vigil.proxy.protocol.frontend.Execute;
import io.vigil.proxy.protocol.frontend.FrontendMessage;
import io.vigil.proxy.protocol.frontend.Parse;
import io.vigil.proxy.protocol.frontend.Query;
import io.vigil.proxy.protocol.frontend.SASLInitialResponse;
import io.vigil.proxy.protocol.frontend.SASLResponse;
import io.vigil.proxy.protocol.frontend.StartupFrameDecoder;
import java.util.function.Consumer;

/**
 * Coverage-guided fuzzing of everything that reads bytes from a peer. The suite runs these in
 * regression mode (the seeds under src/test/resources); {@code JAZZER_FUZZ=1} fuzzes for real.
 * The only failure a peer may cause is a {@link ProtocolViolation}; anything else, or a leaked
 * buffer (the leak detector fails the test), is a bug.
 */
class ProtocolFuzzTest {

    private static final WireLimits LIMITS = new WireLimits(10_000, 8_192, 1 << 20);

    /** Startup packets, framed and decoded, fed in fuzzer-chosen chunks. */
    @FuzzTest(maxDuration = "30s")
    void startupFrameDecoder(FuzzedDataProvider data) {
        EmbeddedChannel channel = new EmbeddedChannel(new StartupFrameDecoder(LIMITS.maxStartupLength()));
        feed(channel, data);
    }

    /** Regular frontend messages, framed, then decoded by every decoder the gateway uses. */
    @FuzzTest(maxDuration = "30s")
    void frontendMessages(FuzzedDataProvider data) {
        EmbeddedChannel channel = new EmbeddedChannel(
                new MessageFrameDecoder(LIMITS.maxMessageLength(), FrontendMessage.TYPES_AUTHENTICATING));
        feed(channel, data, frame -> {
            decodeAllowingViolations(() -> Query.decode(frame.body()));
            decodeAllowingViolations(() -> Parse.decode(frame.body()));
            decodeAllowingViolations(() -> Bind.decode(frame.body()));
            decodeAllowingViolations(() -> Execute.decode(frame.body()));
            decodeAllowingViolations(() -> Close.decode(frame.body()));
            decodeAllowingViolations(() -> SASLInitialResponse.decode(frame.body()));
            decodeAllowingViolations(() -> SASLResponse.decode(frame.body()));
        });
    }

    /** Backend messages as a hostile or broken server could send them. */
    @FuzzTest(maxDuration = "30s")
    void backendMessages(FuzzedDataProvider data) {
        EmbeddedChannel channel = new EmbeddedChannel(new MessageFrameDecoder(Integer.MAX_VALUE, BackendMessage.TYPES));
        feed(channel, data, frame -> decodeAllowingViolations(() -> BackendDecoder.decode(frame)));
    }

    /**
     * The whole pre-authentication state machine of a client connection: startup, encryption
     * requests, cancel, SASL. Whatever arrives, the gateway answers with protocol messages or
     * closes; nothing escapes as an exception.
     */
    @FuzzTest(maxDuration = "60s")
    void clientConnectionBeforeAuthentication(FuzzedDataProvider data) {
        GatewayContext context = PreAuthentication.context(LIMITS, link -> true);
        EmbeddedChannel channel = new EmbeddedChannel(new ClientChannelInitializer(context));
        while (data.remainingBytes() > 0 && channel.isOpen()) {
            byte[] chunk = data.consumeBytes(1 + data.consumeInt(0, 512));
            channel.writeInbound(Unpooled.wrappedBuffer(chunk));
            channel.runPendingTasks();
            channel.checkException();
            releaseAll(channel);
        }
        channel.finishAndReleaseAll();
    }

    private static void feed(EmbeddedChannel channel, FuzzedDataProvider data) {
        feed(channel, data, frame -> {});
    }

    private static void feed(EmbeddedChannel channel, FuzzedDataProvider data, Consumer<PgFrame> onFrame) {
        try {
            while (data.remainingBytes() > 0) {
                byte[] chunk = data.consumeBytes(1 + data.consumeInt(0, 256));
                channel.writeInbound(Unpooled.wrappedBuffer(chunk));
                for (Object message = channel.readInbound(); message != null; message = channel.readInbound()) {
                    try {
                        if (message instanceof PgFrame frame) {
                            onFrame.accept(frame);
                        }
                    } finally {
                        ReferenceCountUtil.release(message);
                    }
                }
            }
        } catch (ProtocolViolation expected) {
            // The only way a peer may fail a decoder.
        } finally {
            channel.finishAndReleaseAll();
        }
    }

    private static void decodeAllowingViolations(Runnable decode) {
        try {
            decode.run();
        } catch (ProtocolViolation expected) {
            // Malformed bodies are refused, never crash.
        }
    }

    private static void releaseAll(EmbeddedChannel channel) {
        for (Object out = channel.readOutbound(); out != null; out = channel.readOutbound()) {
            if (out instanceof ByteBuf buf) {
                assertThat(buf.readableBytes()).isPositive();
            }
            ReferenceCountUtil.release(out);
        }
    }
}
