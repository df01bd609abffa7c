package io.vigil.proxy.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.vigil.proxy.protocol.backend.BackendDecoder;
import io.vigil.proxy.protocol.backend.BackendMessage;
import io.vigil.proxy.protocol.backend.ErrorResponse;
import io.vigil.proxy.protocol.frontend.CancelRequest;
import io.vigil.proxy.protocol.frontend.FrontendMessage;
import io.vigil.proxy.protocol.frontend.SSLRequest;
import io.vigil.proxy.protocol.frontend.StartupFrameDecoder;
import io.vigil.proxy.protocol.frontend.StartupMessage;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FrameDecodersTest {

    @Test
    void framesArriveWholeEvenWhenFedOneByteAtATime() {
        EmbeddedChannel ch = new EmbeddedChannel(new MessageFrameDecoder(1024, FrontendMessage.TYPES));
        byte[] wire = concat(query("select 1"), query("select 2"));
        for (byte b : wire) {
            ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
        }
        assertFrame(ch.readInbound(), 'Q', query("select 1"));
        assertFrame(ch.readInbound(), 'Q', query("select 2"));
        assertThat(ch.inboundMessages()).isEmpty();
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void manyFramesInOneBufferComeOutInOrder() {
        EmbeddedChannel ch = new EmbeddedChannel(new MessageFrameDecoder(1024, FrontendMessage.TYPES));
        ch.writeInbound(Unpooled.wrappedBuffer(concat(query("a"), query("bb"), new byte[] {'S', 0, 0, 0, 4})));
        assertFrame(ch.readInbound(), 'Q', query("a"));
        assertFrame(ch.readInbound(), 'Q', query("bb"));
        assertFrame(ch.readInbound(), 'S', new byte[] {'S', 0, 0, 0, 4});
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void anOversizedMessageFailsOnItsHeaderBeforeTheBodyIsBuffered() {
        EmbeddedChannel ch = new EmbeddedChannel(new MessageFrameDecoder(100, FrontendMessage.TYPES));
        // Only the header of a 1 GB message: it must fail now, not wait for a gigabyte.
        ByteBuf header = Unpooled.buffer().writeByte('Q').writeInt(1 << 30);
        assertThatThrownBy(() -> ch.writeInbound(header))
                .isInstanceOf(ProtocolViolation.class)
                .hasMessageContaining("exceeds the limit of 100 bytes");
        ch.finishAndReleaseAll();
    }

    @Test
    void anUnknownTypeFailsOnItsFirstByteBeforeAnythingElseIsBuffered() {
        EmbeddedChannel ch = new EmbeddedChannel(new MessageFrameDecoder(1 << 30, FrontendMessage.TYPES));
        // Not even the length is in: a type nobody handles is refused as PostgreSQL refuses it.
        assertThatThrownBy(() -> ch.writeInbound(Unpooled.buffer().writeByte(0)))
                .isInstanceOf(ProtocolViolation.class)
                .hasMessage("invalid frontend message type 0");
        ch.finishAndReleaseAll();
    }

    @ParameterizedTest(name = "{0} {1}: {2}")
    @CsvSource({
        // side,            type, accepted
        "authenticated,     p,    false", // the password family ends with authentication
        "authenticated,     Q,    true",
        "authenticated,     F,    true", // framed, then refused with an ErrorResponse by the audit
        "authenticated,     d,    true",
        "authenticated,     z,    false",
        "authenticated,     Z,    false", // a backend type
        "authenticating,    p,    true",
        "authenticating,    Q,    true", // framed, then refused by the authentication with its reason
        "authenticating,    z,    false",
        "backend,           Z,    true",
        "backend,           v,    true",
        "backend,           V,    true",
        "backend,           W,    true",
        "backend,           Q,    false", // a frontend type
        "backend,           x,    false",
    })
    void eachSideMaySendOnlyItsOwnTypes(String side, char type, boolean accepted) {
        MessageTypes types =
                switch (side) {
                    case "authenticated" -> FrontendMessage.TYPES;
                    case "authenticating" -> FrontendMessage.TYPES_AUTHENTICATING;
                    default -> BackendMessage.TYPES;
                };
        EmbeddedChannel ch = new EmbeddedChannel(new MessageFrameDecoder(100, types));
        ByteBuf empty = Unpooled.buffer().writeByte(type).writeInt(4);
        if (accepted) {
            assertThat(ch.writeInbound(empty)).isTrue();
            assertFrame(ch.readInbound(), type, new byte[] {(byte) type, 0, 0, 0, 4});
        } else {
            assertThatThrownBy(() -> ch.writeInbound(empty))
                    .isInstanceOf(ProtocolViolation.class)
                    .hasMessage("invalid " + (side.equals("backend") ? "backend" : "frontend") + " message type "
                            + (int) type);
        }
        ch.finishAndReleaseAll();
    }

    @Test
    void aLongDataRowIsPassedOnAsItArrivesAndWhatFollowsIsFramedAsBefore() {
        EmbeddedChannel ch = new EmbeddedChannel(
                new MessageFrameDecoder(100, BackendMessage.TYPES).streaming(BackendMessage.STREAMED, 64));
        byte[] row = new byte[5 + 1000];
        row[0] = 'D';
        ByteBuffer.wrap(row, 1, 4).putInt(4 + 1000);
        for (int i = 5; i < row.length; i++) {
            row[i] = (byte) i; // a pattern that shows any byte out of place
        }
        byte[] wire = concat(row, new byte[] {'Z', 0, 0, 0, 5, 'I'});
        ByteArrayOutputStream relayed = new ByteArrayOutputStream();
        for (int at = 0; at < wire.length; at += 100) {
            ch.writeInbound(Unpooled.wrappedBuffer(Arrays.copyOfRange(wire, at, Math.min(wire.length, at + 100))));
        }
        Object first = ch.readInbound();
        assertThat(first).isInstanceOfSatisfying(PgFrame.class, head -> {
            assertThat(head.type()).isEqualTo((byte) 'D');
            assertThat(head.complete()).isFalse();
        });
        int parts = 0;
        Object message = first;
        while (!(message instanceof PgFrame frame && frame.complete())) {
            ByteBuf bytes = ((ByteBufHolder) message).content();
            relayed.writeBytes(ByteBufUtil.getBytes(bytes));
            ((ByteBufHolder) message).release();
            parts += message instanceof PgFramePart ? 1 : 0;
            message = ch.readInbound();
        }
        assertThat(relayed.toByteArray()).as("the DataRow, byte for byte").isEqualTo(row);
        assertThat(parts).as("one part per read after the first").isEqualTo(10);
        assertFrame((PgFrame) message, 'Z', new byte[] {'Z', 0, 0, 0, 5, 'I'});
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void aLongErrorResponseIsDecodedFromItsHeadAsFarAsItCame() {
        EmbeddedChannel ch = new EmbeddedChannel(
                new MessageFrameDecoder(100, BackendMessage.TYPES).streaming(BackendMessage.STREAMED, 64));
        byte[] fields = ("SERROR\0VERROR\0CP0001\0M" + "x".repeat(1000) + "\0\0").getBytes(StandardCharsets.US_ASCII);
        ByteBuf error =
                Unpooled.buffer().writeByte('E').writeInt(4 + fields.length).writeBytes(fields);
        ch.writeInbound(error.readRetainedSlice(100));
        ch.writeInbound(error);
        PgFrame head = ch.readInbound();
        try {
            ErrorResponse decoded = (ErrorResponse) BackendDecoder.decode(head);
            assertThat(decoded.sqlState()).isEqualTo("P0001");
            assertThat(decoded.fatal()).isFalse();
            assertThat(decoded.message()).isEqualTo("x".repeat(100 - 5 - 22));
        } finally {
            head.release();
        }
        ch.finishAndReleaseAll();
    }

    @Test
    void aShortDataRowIsOneWholeFrameAndALongMessageOfAnotherTypeIsStillCapped() {
        EmbeddedChannel ch = new EmbeddedChannel(
                new MessageFrameDecoder(100, BackendMessage.TYPES).streaming(BackendMessage.STREAMED, 64));
        ch.writeInbound(Unpooled.buffer().writeByte('D').writeInt(4 + 60).writeZero(60));
        PgFrame row = ch.readInbound();
        assertThat(row.complete()).isTrue();
        row.release();
        assertThatThrownBy(
                        () -> ch.writeInbound(Unpooled.buffer().writeByte('T').writeInt(1 << 20)))
                .isInstanceOf(ProtocolViolation.class)
                .hasMessageContaining("exceeds the limit of 100 bytes");
        ch.finishAndReleaseAll();
    }

    @Test
    void aLengthBelowFourIsAViolation() {
        EmbeddedChannel ch = new EmbeddedChannel(new MessageFrameDecoder(100, FrontendMessage.TYPES));
        assertThatThrownBy(
                        () -> ch.writeInbound(Unpooled.buffer().writeByte('Q').writeInt(3)))
                .isInstanceOf(ProtocolViolation.class)
                .hasMessageContaining("invalid message length 3");
        ch.finishAndReleaseAll();
    }

    @Test
    void startupPacketsDecodeToTheirRecords() {
        EmbeddedChannel ch = new EmbeddedChannel(new StartupFrameDecoder(10_000));
        ch.writeInbound(Unpooled.buffer().writeInt(8).writeInt(SSLRequest.CODE));
        assertThat(ch.<Object>readInbound()).isEqualTo(new SSLRequest());
        ch.writeInbound(Unpooled.wrappedBuffer(startup("user", "bot", "database", "shop")));
        assertThat(ch.<Object>readInbound())
                .isEqualTo(new StartupMessage(StartupMessage.PROTOCOL_3_0, Map.of("user", "bot", "database", "shop")));
        ch.writeInbound(Unpooled.buffer()
                .writeInt(16)
                .writeInt(CancelRequest.CODE)
                .writeInt(7)
                .writeInt(9));
        assertThat(ch.<Object>readInbound()).isEqualTo(new CancelRequest(7, 9));
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void hostileStartupPacketsAreViolations() {
        assertViolation(Unpooled.buffer().writeInt(1_000_000).writeInt(196608), "invalid length of startup packet");
        assertViolation(Unpooled.buffer().writeInt(4).writeInt(196608), "invalid length of startup packet");
        assertViolation(Unpooled.wrappedBuffer(startup("user", "a", "user", "b")), "duplicate startup parameter");
        assertViolation(
                Unpooled.buffer().writeInt(12).writeInt(196608).writeBytes(new byte[] {'u', 's', 'e', 'r'}),
                "NUL-terminated");
        assertViolation(
                Unpooled.buffer().writeInt(12).writeInt(196608).writeBytes(new byte[] {'u', 0, 'x', 0}),
                "missing its terminator");
        assertViolation(
                Unpooled.buffer().writeInt(14).writeInt(196608).writeBytes(new byte[] {'u', 0, (byte) 0xC3, 0x28, 0, 0
                }),
                "invalid UTF-8");
        assertViolation(Unpooled.buffer().writeInt(9).writeInt(2 << 16).writeByte(0), "unsupported frontend protocol");
        assertViolation(Unpooled.buffer().writeInt(12).writeInt(SSLRequest.CODE).writeInt(0), "trailing bytes");
    }

    private static void assertViolation(ByteBuf packet, String message) {
        EmbeddedChannel ch = new EmbeddedChannel(new StartupFrameDecoder(10_000));
        assertThatThrownBy(() -> ch.writeInbound(packet))
                .isInstanceOf(ProtocolViolation.class)
                .hasMessageContaining(message);
        ch.finishAndReleaseAll();
    }

    private static void assertFrame(PgFrame frame, char type, byte[] wire) {
        try {
            assertThat(frame.type()).isEqualTo((byte) type);
            byte[] actual = new byte[frame.content().readableBytes()];
            frame.content().getBytes(frame.content().readerIndex(), actual);
            assertThat(actual).isEqualTo(wire);
        } finally {
            frame.release();
        }
    }

    static byte[] query(String sql) {
        byte[] text = sql.getBytes(StandardCharsets.UTF_8);
        ByteBuf buf = Unpooled.buffer()
                .writeByte('Q')
                .writeInt(4 + text.length + 1)
                .writeBytes(text)
                .writeByte(0);
        byte[] out = new byte[buf.readableBytes()];
        buf.readBytes(out);
        return out;
    }

    static byte[] startup(String... kv) {
        ByteBuf buf = Unpooled.buffer().writeInt(0).writeInt(StartupMessage.PROTOCOL_3_0);
        for (String s : kv) {
            buf.writeBytes(s.getBytes(StandardCharsets.UTF_8)).writeByte(0);
        }
        buf.writeByte(0);
        buf.setInt(0, buf.readableBytes());
        byte[] out = new byte[buf.readableBytes()];
        buf.readBytes(out);
        return out;
    }

    static byte[] concat(byte[]... parts) {
        ByteBuf buf = Unpooled.buffer();
        for (byte[] p : parts) {
            buf.writeBytes(p);
        }
        byte[] out = new byte[buf.readableBytes()];
        buf.readBytes(out);
        return out;
    }
}
