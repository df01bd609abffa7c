package io.vigil.proxy;

import io.vigil.proxy.auth.AuthenticationFailed;
import io.vigil.proxy.auth.ScramClient;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * A client that writes protocol bytes exactly as told, for what no driver would send: pipelined
 * packets, unknown types, headers without bodies. Reads come back as whole backend messages.
 */
final class RawClient implements AutoCloseable {

    static final int SSL_REQUEST = 80877103;
    static final int GSSENC_REQUEST = 80877104;

    /** A backend message; {@code fields} are an ErrorResponse's, keyed by their code. */
    record Reply(char type, byte[] body) {
        String field(char code) {
            int i = 0;
            while (i < body.length && body[i] != 0) {
                int end = i + 1;
                while (body[end] != 0) {
                    end++;
                }
                if (body[i] == code) {
                    return new String(body, i + 1, end - i - 1, StandardCharsets.UTF_8);
                }
                i = end + 1;
            }
            return null;
        }

        int authenticationCode() {
            return ByteBuffer.wrap(body).getInt();
        }
    }

    private final Socket socket;
    private final DataInputStream in;
    private int lastLength;
    private byte[] backendKey;

    RawClient(int port) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(10_000);
        in = new DataInputStream(socket.getInputStream());
    }

    /** Sends all of it in one write, so the gateway reads it at once, as it would a pipelining client. */
    RawClient send(byte[]... parts) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            all.write(part);
        }
        socket.getOutputStream().write(all.toByteArray());
        socket.getOutputStream().flush();
        return this;
    }

    /** The single byte that answers an encryption request. */
    char encryptionAnswer() throws IOException {
        return (char) in.readUnsignedByte();
    }

    Reply read() throws IOException {
        char type = (char) in.readUnsignedByte();
        byte[] body = new byte[in.readInt() - 4];
        in.readFully(body);
        return new Reply(type, body);
    }

    /** The next message, of which only the first {@code keep} bytes of the body are kept. */
    Reply readKeeping(int keep) throws IOException {
        char type = (char) in.readUnsignedByte();
        int length = in.readInt() - 4;
        byte[] start = new byte[Math.min(keep, length)];
        in.readFully(start);
        in.skipNBytes(length - start.length);
        lastLength = length;
        return new Reply(type, start);
    }

    /** The body length of the message {@link #readKeeping} read last. */
    int lastLength() {
        return lastLength;
    }

    /** Whether the gateway has closed the connection (after whatever it still had to say). */
    boolean closedAfterDraining() throws IOException {
        try {
            while (in.read() >= 0) {
                // drain
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (EOFException | java.net.SocketException e) {
            return true;
        }
    }

    /** SCRAM-SHA-256 with the agent's secret, up to the first ReadyForQuery. */
    void logIn(String user, String secret) throws IOException, AuthenticationFailed {
        ScramClient scram = new ScramClient(secret, new SecureRandom());
        send(startup(user, "shop"));
        expectAuthentication(10);
        send(saslInitialResponse(scram.clientFirst()));
        finishScram(scram);
    }

    /** From AuthenticationSASLContinue on, once the client-first message has been sent. */
    void finishScram(ScramClient scram) throws IOException, AuthenticationFailed {
        Reply serverFirst = expectAuthentication(11);
        send(message('p', scram.clientFinal(Arrays.copyOfRange(serverFirst.body(), 4, serverFirst.body().length))));
        Reply serverFinal = expectAuthentication(12);
        scram.verifyServerFinal(Arrays.copyOfRange(serverFinal.body(), 4, serverFinal.body().length));
        Reply reply;
        do {
            reply = read();
            if (reply.type() == 'K') {
                backendKey = reply.body();
            }
        } while (reply.type() != 'Z');
    }

    /** The BackendKeyData the gateway gave this session: process id and secret, as on the wire. */
    byte[] backendKey() {
        return backendKey;
    }

    static byte[] cancelRequest(byte[] backendKey) {
        return ByteBuffer.allocate(16)
                .putInt(16)
                .putInt(80877102)
                .put(backendKey)
                .array();
    }

    Reply expectAuthentication(int code) throws IOException {
        Reply reply = read();
        if (reply.type() != 'R' || reply.authenticationCode() != code) {
            throw new IllegalStateException(
                    "expected authentication " + code + ", got '" + reply.type() + "' " + reply.field('M'));
        }
        return reply;
    }

    static byte[] startup(String user, String database) {
        byte[] parameters = ("user\0" + user + "\0database\0" + database + "\0\0").getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(8 + parameters.length)
                .putInt(8 + parameters.length)
                .putInt(196608)
                .put(parameters)
                .array();
    }

    static byte[] request(int code) {
        return ByteBuffer.allocate(8).putInt(8).putInt(code).array();
    }

    static byte[] saslInitialResponse(byte[] clientFirst) {
        byte[] mechanism = "SCRAM-SHA-256\0".getBytes(StandardCharsets.US_ASCII);
        return message(
                'p',
                ByteBuffer.allocate(mechanism.length + 4 + clientFirst.length)
                        .put(mechanism)
                        .putInt(clientFirst.length)
                        .put(clientFirst)
                        .array());
    }

    static byte[] query(String sql) {
        return message('Q', (sql + "\0").getBytes(StandardCharsets.UTF_8));
    }

    /** Parse of the unnamed statement, without parameter types. */
    static byte[] parse(String sql) {
        byte[] text = (sql + "\0").getBytes(StandardCharsets.UTF_8);
        return message(
                'P',
                ByteBuffer.allocate(1 + text.length + 2)
                        .put((byte) 0)
                        .put(text)
                        .putShort((short) 0)
                        .array());
    }

    /** Parse of a named statement, without parameter types. */
    static byte[] parse(String name, String sql) {
        byte[] statement = (name + "\0").getBytes(StandardCharsets.UTF_8);
        byte[] text = (sql + "\0").getBytes(StandardCharsets.UTF_8);
        return message(
                'P',
                ByteBuffer.allocate(statement.length + text.length + 2)
                        .put(statement)
                        .put(text)
                        .putShort((short) 0)
                        .array());
    }

    /** Bind of the unnamed portal to the unnamed statement, with text values (null: NULL), results in text. */
    static byte[] bind(String... values) {
        return bindTo("", values);
    }

    /** Bind of the unnamed portal to the statement {@code statement}, with text values, results in text. */
    static byte[] bindTo(String statement, String... values) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(0); // the unnamed portal
        body.writeBytes((statement + "\0").getBytes(StandardCharsets.UTF_8));
        body.writeBytes(new byte[] {0, 0});
        body.writeBytes(ByteBuffer.allocate(2).putShort((short) values.length).array());
        for (String value : values) {
            if (value == null) {
                body.writeBytes(ByteBuffer.allocate(4).putInt(-1).array());
            } else {
                byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
                body.writeBytes(ByteBuffer.allocate(4).putInt(bytes.length).array());
                body.writeBytes(bytes);
            }
        }
        body.writeBytes(new byte[] {0, 0});
        return message('B', body.toByteArray());
    }

    /** Execute of the unnamed portal, up to {@code maxRows} rows (0: all). */
    static byte[] execute(int maxRows) {
        return message('E', ByteBuffer.allocate(5).put((byte) 0).putInt(maxRows).array());
    }

    static byte[] sync() {
        return message('S', new byte[0]);
    }

    static byte[] flush() {
        return message('H', new byte[0]);
    }

    static byte[] message(char type, byte[] body) {
        return ByteBuffer.allocate(5 + body.length)
                .put((byte) type)
                .putInt(4 + body.length)
                .put(body)
                .array();
    }

    /** Only a message's type and length: the body it announces never comes. */
    static byte[] header(int type, int length) {
        return ByteBuffer.allocate(5).put((byte) type).putInt(length).array();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
