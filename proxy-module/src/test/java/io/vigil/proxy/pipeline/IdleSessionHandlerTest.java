package io.vigil.proxy.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.vigil.proxy.session.ClientReplies;
import io.vigil.proxy.session.Session;
import io.vigil.proxy.session.StatementTracker;
import io.vigil.proxy.sql.SharedAnalyzer;
import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The idle-session timeout on a frozen clock: what counts as activity, and that a statement in
 * flight is never cut off. The timeout is 1,000 ms throughout.
 */
class IdleSessionHandlerTest {

    private static final long TIMEOUT_MS = 1_000;

    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final EmbeddedChannel client = new EmbeddedChannel();
    private final EmbeddedChannel upstream = new EmbeddedChannel();
    private final StatementTracker statements =
            new StatementTracker(UUID.randomUUID(), InstantSource.system(), nanos::get, false);

    IdleSessionHandlerTest() {
        client.freezeTime();
        ClientReplies.attach(client);
        Session session = new Session(UUID.randomUUID(), null, client, upstream, statements, link -> true);
        client.pipeline().addLast(new IdleSessionHandler(session, TIMEOUT_MS, nanos::get));
    }

    @AfterEach
    void close() {
        client.finishAndReleaseAll();
        upstream.finishAndReleaseAll();
    }

    /**
     * Moves the handler's clock and the channel's scheduler together a millisecond at a time,
     * running what falls due when it falls due.
     */
    private void advance(long millis) {
        for (long i = 0; i < millis; i++) {
            nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(1));
            client.advanceTimeBy(1, TimeUnit.MILLISECONDS);
            client.runScheduledPendingTasks();
            client.runPendingTasks();
        }
    }

    private void clientSends() {
        client.writeInbound(Unpooled.wrappedBuffer(new byte[] {'H', 0, 0, 0, 4}));
        ByteBuf relayed = client.readInbound();
        relayed.release();
    }

    private void statementStarts() {
        statements.parse("", "select pg_sleep(5)", SharedAnalyzer.INSTANCE.analyze("select pg_sleep(5)"));
        statements.bind("", "", List.of());
        statements.execute("");
        statements.sync();
    }

    private void targetAnswers() {
        statements.commandComplete("SELECT 1", 1L);
        statements.readyForQuery();
    }

    private boolean ended() {
        return !client.isActive();
    }

    @Test
    void aSessionQuietForTheTimeoutEndsWithIdleSessionTimeout() {
        advance(999);
        assertThat(ended()).isFalse();
        advance(1);
        assertThat(ended()).isTrue();
        ByteBuf error = client.readOutbound();
        try {
            assertThat((char) error.getByte(0)).isEqualTo('E');
            assertThat(error.toString(StandardCharsets.UTF_8))
                    .contains("SFATAL")
                    .contains("C57P05");
        } finally {
            error.release();
        }
    }

    @Test
    void aMessageFromTheClientStartsTheWaitAgain() {
        advance(800);
        clientSends();
        advance(800);
        assertThat(ended()).isFalse();
        advance(199);
        assertThat(ended()).isFalse();
        advance(1);
        assertThat(ended()).isTrue();
    }

    @Test
    void aStatementInFlightIsNeverCutOffAndItsEndStartsTheWait() {
        advance(100);
        clientSends();
        statementStarts();
        advance(5_000);
        assertThat(ended()).as("in flight for five timeouts").isFalse();
        targetAnswers();
        advance(999);
        assertThat(ended()).as("ready for a query 999 ms ago").isFalse();
        advance(1_000);
        assertThat(ended()).isTrue();
    }

    @Test
    void aClosedSessionIsNotCheckedAgain() {
        client.close();
        advance(5_000);
        Object written = client.readOutbound();
        assertThat(written).isNull();
    }
}
