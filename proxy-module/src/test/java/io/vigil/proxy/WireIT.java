package io.vigil.proxy;

import static io.vigil.proxy.RawClient.header;
import static io.vigil.proxy.RawClient.query;
import static io.vigil.proxy.RawClient.request;
import static io.vigil.proxy.RawClient.saslInitialResponse;
import static io.vigil.proxy.RawClient.startup;
import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.db.jooq.tables.records.StatementViewRecord;
import io.vigil.proxy.RawClient.Reply;
import io.vigil.proxy.audit.Outcome;
import io.vigil.proxy.auth.ScramClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What no driver sends, on a real socket: packets sent without waiting for the answer, and message
 * types nobody handles. Each gets PostgreSQL's answer, at once: never silence until a timeout, never
 * a body buffered for a message that will be refused anyway.
 */
class WireIT {

    private static final String AGENT = "wire-bot";
    private static final String SECRET = "s3cret-wire";

    @TempDir
    static Path dir;

    static TestEnvironment env;
    static UUID agent;

    @BeforeAll
    static void start() {
        env = new TestEnvironment(dir);
        agent = env.agent(AGENT, "owner", SECRET);
    }

    @AfterAll
    static void stop() {
        env.close();
    }

    @Test
    void aSaslInitialResponseSentBehindTheStartupMessageIsAnsweredAndTheLoginCompletes() throws Exception {
        try (RawClient client = new RawClient(port())) {
            ScramClient scram = new ScramClient(SECRET, new SecureRandom());
            client.send(startup(AGENT, "shop"), saslInitialResponse(scram.clientFirst()));
            client.expectAuthentication(10);
            client.finishScram(scram);
            client.send(query("select 41 + 1"));
            assertThat(dataRowsUntilReady(client)).isEqualTo("42");
        }
    }

    @Test
    void anyOtherMessageSentBehindTheStartupMessageGetsItsErrorAtOnce() throws Exception {
        try (RawClient client = new RawClient(port())) {
            client.send(startup(AGENT, "shop"), query("select 1"));
            client.expectAuthentication(10);
            Reply error = client.read();
            assertThat(error.type()).isEqualTo('E');
            assertThat(error.field('C')).isEqualTo("08P01");
            assertThat(error.field('M')).isEqualTo("expected SASL response, got message type 'Q'");
            assertThat(client.closedAfterDraining()).isTrue();
        }
    }

    /**
     * Whatever follows an encryption request in the same packet was not sent after its answer, as
     * the client must: PostgreSQL refuses it, declined or not, and so does Vigil.
     */
    @ParameterizedTest(name = "behind request code {0}")
    @ValueSource(ints = {RawClient.GSSENC_REQUEST, RawClient.SSL_REQUEST})
    void plaintextSentBehindAnEncryptionRequestIsRefused(int code) throws Exception {
        try (RawClient client = new RawClient(port())) {
            client.send(request(code), startup(AGENT, "shop"));
            assertThat(client.encryptionAnswer()).isEqualTo('N');
            Reply error = client.read();
            assertThat(error.field('S')).isEqualTo("FATAL");
            assertThat(error.field('C')).isEqualTo("08P01");
            assertThat(error.field('M')).startsWith("received unencrypted data after ");
            assertThat(client.closedAfterDraining()).isTrue();
        }
    }

    @Test
    void eachKindOfEncryptionRequestIsAnsweredOnce() throws Exception {
        try (RawClient client = new RawClient(port())) {
            client.send(request(RawClient.GSSENC_REQUEST));
            assertThat(client.encryptionAnswer()).isEqualTo('N');
            client.send(request(RawClient.SSL_REQUEST));
            assertThat(client.encryptionAnswer()).isEqualTo('N'); // no certificate configured here
            client.send(request(RawClient.GSSENC_REQUEST));
            Reply error = client.read();
            assertThat(error.field('C')).isEqualTo("08P01");
            assertThat(error.field('M')).isEqualTo("GSSENCRequest sent twice");
            assertThat(client.closedAfterDraining()).isTrue();
        }
    }

    /** A type nobody handles, and the password family once authentication is over. */
    @ParameterizedTest(name = "type {0} after authentication")
    @ValueSource(ints = {0, 'z', 'p'})
    void aMessageOfATypeNotAllowedNowIsRefusedByVigilBeforeItsBodyArrives(int type) throws Exception {
        try (RawClient client = new RawClient(port())) {
            client.logIn(AGENT, SECRET);
            // A megabyte announced and never sent: the answer cannot have waited for it, and the
            // target (which reads a whole message before answering) cannot have given it.
            client.send(header(type, 1 << 20));
            Reply error = client.read();
            assertThat(error.type()).isEqualTo('E');
            assertThat(error.field('S')).isEqualTo("FATAL");
            assertThat(error.field('C')).isEqualTo("08P01");
            assertThat(error.field('M')).isEqualTo("invalid frontend message type " + type);
            assertThat(client.closedAfterDraining()).isTrue();
        }
    }

    @Test
    void aHugeValueStreamsThroughWithoutTheGatewayHoldingIt() throws Exception {
        try (RawClient client = new RawClient(port());
                DirectMemoryPeak peak = new DirectMemoryPeak()) {
            client.logIn(AGENT, SECRET);
            client.send(query("select repeat('x', 100000000)"));
            assertThat(client.read().type()).as("RowDescription").isEqualTo('T');
            Reply row = client.readKeeping(16);
            assertThat(row.type()).isEqualTo('D');
            assertThat(client.lastLength()).isEqualTo(2 + 4 + 100_000_000);
            assertThat(client.read().field('C')).isNull(); // CommandComplete's body is its tag
            assertThat(client.read().type()).isEqualTo('Z');
            assertThat(peak.highest())
                    .as("the gateway's direct memory above where it started")
                    .isLessThan(32L << 20);
        }
    }

    @Test
    void aHugeErrorReachesTheClientWholeAndTheTrailKeepsItsStart() throws Exception {
        String raise = "DO $$ BEGIN RAISE EXCEPTION '%', repeat('y', 50000000); END $$";
        try (RawClient client = new RawClient(port());
                DirectMemoryPeak peak = new DirectMemoryPeak()) {
            client.logIn(AGENT, SECRET);
            client.send(query(raise));
            Reply error = client.readKeeping(64);
            assertThat(error.type()).isEqualTo('E');
            assertThat(error.field('C')).isEqualTo("P0001");
            assertThat(client.lastLength()).isGreaterThan(50_000_000);
            assertThat(client.read().type()).isEqualTo('Z');
            client.send(query("select 7"));
            assertThat(dataRowsUntilReady(client)).as("the session goes on").isEqualTo("7");
            assertThat(peak.highest()).isLessThan(32L << 20);
        }
        StatementViewRecord recorded = env.awaitOutcome(agent, raise);
        assertThat(recorded.getSqlstate()).isEqualTo("P0001");
        String message = recorded.getErrorMessage();
        assertThat(message.substring(Outcome.MAX_ERROR_MESSAGE)).isEqualTo(" [cut by Vigil after 16384 characters]");
        assertThat(message.substring(0, Outcome.MAX_ERROR_MESSAGE)).matches("y+");
    }

    /** The first column of every DataRow up to ReadyForQuery, joined by commas. */
    private static String dataRowsUntilReady(RawClient client) throws Exception {
        StringBuilder values = new StringBuilder();
        for (Reply reply = client.read(); reply.type() != 'Z'; reply = client.read()) {
            if (reply.type() == 'E') {
                throw new AssertionError("error: " + reply.field('M'));
            }
            if (reply.type() == 'D') {
                byte[] row = reply.body();
                int length = java.nio.ByteBuffer.wrap(row, 2, 4).getInt();
                values.append(values.isEmpty() ? "" : ",").append(new String(row, 6, length, StandardCharsets.UTF_8));
            }
        }
        return values.toString();
    }

    private static int port() {
        return env.gateway.address().getPort();
    }
}
