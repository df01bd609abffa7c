package io.vigil.proxy.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vigil.proxy.protocol.frontend.Bind;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Bind's parameters as the trail keeps them: text as sent, binary as hex, NULL as null, bounded. */
class BindTest {

    @Test
    void textBinaryAndNullParameters() {
        ByteBuf body =
                body(new short[] {0, 1, 0}, "abc".getBytes(StandardCharsets.UTF_8), new byte[] {0, 0, 0, 7}, null);
        try {
            assertThat(Bind.decode(body).parameters()).containsExactly("abc", "\\x00000007", null);
        } finally {
            body.release();
        }
    }

    /** PostgreSQL refuses text with a NUL byte; the store cannot hold one either, so it is kept as hex. */
    @Test
    void aTextParameterWithANulByteIsKeptAsHex() {
        ByteBuf body = body(new short[] {0}, new byte[] {'a', 0, 'b'});
        try {
            assertThat(Bind.decode(body).parameters()).containsExactly("\\x610062");
        } finally {
            body.release();
        }
    }

    @Test
    void manyLargeParametersAreCutToABoundedTotal() {
        byte[][] values = new byte[40][];
        for (int i = 0; i < values.length; i++) {
            values[i] = "x".repeat(20_000).getBytes(StandardCharsets.UTF_8);
        }
        ByteBuf body = body(new short[] {0}, values);
        try {
            var parameters = Bind.decode(body).parameters();
            assertThat(parameters).hasSize(40).allSatisfy(p -> assertThat(p).endsWith("(20000 bytes)"));
            int rendered = parameters.stream().mapToInt(String::length).sum();
            assertThat(rendered).isLessThan(Bind.MAX_RENDERED_TOTAL + 40 * 32);
        } finally {
            body.release();
        }
    }

    @Test
    void aLengthPastTheEndIsAProtocolViolation() {
        ByteBuf body = Unpooled.buffer();
        body.writeBytes("\0\0".getBytes(StandardCharsets.US_ASCII));
        body.writeShort(0).writeShort(1).writeInt(1_000);
        try {
            assertThatThrownBy(() -> Bind.decode(body)).isInstanceOf(ProtocolViolation.class);
        } finally {
            body.release();
        }
    }

    private static ByteBuf body(short[] formats, byte[]... values) {
        ByteBuf body = Unpooled.buffer();
        body.writeBytes("p\0s\0".getBytes(StandardCharsets.US_ASCII));
        body.writeShort(formats.length);
        for (short f : formats) {
            body.writeShort(f);
        }
        body.writeShort(values.length);
        for (byte[] v : values) {
            if (v == null) {
                body.writeInt(-1);
            } else {
                body.writeInt(v.length).writeBytes(v);
            }
        }
        body.writeShort(0);
        return body;
    }
}
