package io.vigil.proxy.protocol.backend;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.vigil.proxy.protocol.PgFrame;
import io.vigil.proxy.protocol.ProtocolViolation;
import io.vigil.proxy.protocol.Wire;
import io.vigil.proxy.protocol.backend.Authentication.AuthenticationCleartextPassword;
import io.vigil.proxy.protocol.backend.Authentication.AuthenticationMD5Password;
import io.vigil.proxy.protocol.backend.Authentication.AuthenticationOk;
import io.vigil.proxy.protocol.backend.Authentication.AuthenticationSASL;
import io.vigil.proxy.protocol.backend.Authentication.AuthenticationSASLContinue;
import io.vigil.proxy.protocol.backend.Authentication.AuthenticationSASLFinal;
import io.vigil.proxy.protocol.backend.Authentication.AuthenticationUnsupported;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.SequencedMap;

/** Decodes the backend frames the gateway acts on. The frame keeps its reference. */
public final class BackendDecoder {

    private BackendDecoder() {}

    /**
     * Decodes {@code frame} into its record.
     *
     * @throws ProtocolViolation if the frame is malformed or of a type the gateway never decodes
     */
    public static BackendMessage decode(PgFrame frame) {
        ByteBuf body = frame.body();
        if (!frame.complete()) {
            if (frame.type() != BackendMessage.ERROR_RESPONSE) {
                throw new ProtocolViolation("a partial " + frame + " cannot be decoded");
            }
            // A huge error (a RAISE of a huge text): its fields as far as they came, the last one cut.
            return new ErrorResponse(fieldsAsFarAsTheyCame(body));
        }
        BackendMessage message =
                switch (frame.type()) {
                    case BackendMessage.AUTHENTICATION -> authentication(body);
                    case BackendMessage.PARAMETER_STATUS ->
                        new ParameterStatus(Wire.readCStringLenient(body), Wire.readCStringLenient(body));
                    case BackendMessage.BACKEND_KEY_DATA -> {
                        requireLength(body, 8, "BackendKeyData");
                        yield new BackendKeyData(body.readInt(), body.readInt());
                    }
                    case BackendMessage.READY_FOR_QUERY -> {
                        requireLength(body, 1, "ReadyForQuery");
                        yield new ReadyForQuery(body.readByte());
                    }
                    case BackendMessage.COMMAND_COMPLETE -> new CommandComplete(Wire.readCStringLenient(body));
                    case BackendMessage.ERROR_RESPONSE -> new ErrorResponse(fields(body));
                    case BackendMessage.DATA_ROW -> dataRow(body);
                    default -> throw new ProtocolViolation("unexpected backend message type " + frame);
                };
        Wire.requireConsumed(body, message.getClass().getSimpleName());
        return message;
    }

    private static DataRow dataRow(ByteBuf body) {
        requireAtLeast(body, 2);
        int count = body.readUnsignedShort();
        List<String> columns = new ArrayList<>(Math.min(count, 64));
        for (int i = 0; i < count; i++) {
            requireAtLeast(body, 4);
            int length = body.readInt();
            if (length < 0) {
                columns.add(null);
                continue;
            }
            requireAtLeast(body, length);
            columns.add(body.readCharSequence(length, StandardCharsets.UTF_8).toString());
        }
        return new DataRow(columns);
    }

    private static Authentication authentication(ByteBuf body) {
        if (body.readableBytes() < 4) {
            throw new ProtocolViolation("Authentication message is truncated");
        }
        int kind = body.readInt();
        return switch (kind) {
            case Authentication.OK -> new AuthenticationOk();
            case Authentication.CLEARTEXT_PASSWORD -> new AuthenticationCleartextPassword();
            case Authentication.MD5_PASSWORD -> {
                requireLength(body, 4, "AuthenticationMD5Password");
                yield new AuthenticationMD5Password(ByteBufUtil.getBytes(body.readSlice(4)));
            }
            case Authentication.SASL -> {
                List<String> mechanisms = new ArrayList<>();
                for (String m = Wire.readCStringLenient(body); !m.isEmpty(); m = Wire.readCStringLenient(body)) {
                    mechanisms.add(m);
                }
                yield new AuthenticationSASL(mechanisms);
            }
            case Authentication.SASL_CONTINUE ->
                new AuthenticationSASLContinue(ByteBufUtil.getBytes(body.readSlice(body.readableBytes())));
            case Authentication.SASL_FINAL ->
                new AuthenticationSASLFinal(ByteBufUtil.getBytes(body.readSlice(body.readableBytes())));
            default -> {
                body.skipBytes(body.readableBytes());
                yield new AuthenticationUnsupported(kind);
            }
        };
    }

    /** Decodes the field list shared by ErrorResponse and NoticeResponse. */
    public static SequencedMap<Character, String> fields(ByteBuf body) {
        SequencedMap<Character, String> fields = new LinkedHashMap<>();
        while (true) {
            if (!body.isReadable()) {
                throw new ProtocolViolation("error fields are missing their terminator");
            }
            byte code = body.readByte();
            if (code == 0) {
                return fields;
            }
            fields.put((char) code, Wire.readCStringLenient(body));
        }
    }

    private static SequencedMap<Character, String> fieldsAsFarAsTheyCame(ByteBuf body) {
        SequencedMap<Character, String> fields = new LinkedHashMap<>();
        while (body.isReadable()) {
            byte code = body.readByte();
            if (code == 0) {
                break;
            }
            int end = body.indexOf(body.readerIndex(), body.writerIndex(), (byte) 0);
            int length = (end < 0 ? body.writerIndex() : end) - body.readerIndex();
            fields.put((char) code, body.toString(body.readerIndex(), length, StandardCharsets.UTF_8));
            body.skipBytes(Math.min(length + 1, body.readableBytes()));
        }
        return fields;
    }

    private static void requireAtLeast(ByteBuf body, int length) {
        if (body.readableBytes() < length) {
            throw new ProtocolViolation("DataRow is truncated");
        }
    }

    private static void requireLength(ByteBuf body, int length, String message) {
        if (body.readableBytes() != length) {
            throw new ProtocolViolation(message + " has an invalid length");
        }
    }
}
