package io.vigil.proxy.audit.export;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.vigil.proxy.audit.AuditEvent;
import io.vigil.proxy.audit.AuditEvent.StatementStarted;
import io.vigil.proxy.audit.TrailRecord;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The webhook against a real HTTP server that goes away and comes back. */
class WebhookSinkTest {

    private static final UUID SPOOL = UUID.randomUUID();
    private static final UUID SESSION = UUID.randomUUID();

    private HttpServer server;
    private final List<String> bodies = new CopyOnWriteArrayList<>();
    private final List<String> authorizations = new CopyOnWriteArrayList<>();
    private final AtomicBoolean up = new AtomicBoolean(true);

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/siem", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            if (up.get()) {
                bodies.add(new String(body, StandardCharsets.UTF_8));
                authorizations.add(exchange.getRequestHeaders().getFirst("Authorization"));
            }
            exchange.sendResponseHeaders(up.get() ? 204 : 503, -1);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void deliversInOrderWithTheTokenAndRetriesUntilTheEndpointIsBack() throws Exception {
        up.set(false);
        try (WebhookSink sink = new WebhookSink(endpoint(), "siem-token", 1_000)) {
            sink.stored(List.of(record(0), record(1)), null);
            sink.stored(List.of(record(2)), null);
            Thread.sleep(700); // at least one refused attempt
            up.set(true);
            await(() -> sink.pending() == 0 && !bodies.isEmpty());
        }
        assertThat(lines())
                .extracting(l -> l.replaceAll(".*\"leaf\":(\\d+).*", "$1"))
                .containsExactly("0", "1", "2");
        assertThat(authorizations).containsOnly("Bearer siem-token");
    }

    @Test
    void aLongOutageDropsTheOldestAndSaysWhichLeavesAreMissing() throws Exception {
        up.set(false);
        try (WebhookSink sink = new WebhookSink(endpoint(), null, 3)) {
            for (int leaf = 0; leaf < 8; leaf++) {
                sink.stored(List.of(record(leaf)), null);
            }
            up.set(true);
            await(() -> sink.pending() == 0 && lines().stream().anyMatch(l -> l.contains("\"leaf\":7")));
        }
        // Every leaf is delivered or inside a reported gap, never both, and something was dropped.
        java.util.Set<Long> delivered = new java.util.TreeSet<>();
        java.util.Set<Long> missing = new java.util.TreeSet<>();
        for (String line : lines()) {
            if (line.contains("\"type\":\"gap\"")) {
                assertThat(line).contains("\"spool\":\"" + SPOOL + "\"");
                long from = Long.parseLong(line.replaceAll(".*\"from_leaf\":(\\d+).*", "$1"));
                long to = Long.parseLong(line.replaceAll(".*\"to_leaf\":(\\d+).*", "$1"));
                for (long leaf = from; leaf <= to; leaf++) {
                    assertThat(missing.add(leaf)).isTrue();
                }
            } else {
                assertThat(delivered.add(Long.parseLong(line.replaceAll(".*\"leaf\":(\\d+).*", "$1"))))
                        .isTrue();
            }
        }
        assertThat(missing).as("reported missing").isNotEmpty().doesNotContainAnyElementsOf(delivered);
        java.util.Set<Long> all = new java.util.TreeSet<>(delivered);
        all.addAll(missing);
        assertThat(all).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L);
        // The newest are kept; besides them, only the batch that was in flight when the endpoint came
        // back (taken from a queue that never held more than the bound).
        assertThat(delivered).contains(5L, 6L, 7L);
        assertThat(delivered).as("at most the bound, plus one batch in flight").hasSizeLessThanOrEqualTo(2 * 3);
    }

    private List<String> lines() {
        return bodies.stream().flatMap(String::lines).toList();
    }

    private URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/siem");
    }

    private static TrailRecord record(long leaf) {
        AuditEvent event = new StatementStarted(
                SESSION,
                leaf + 1,
                Instant.parse("2026-11-21T10:00:00Z"),
                "select " + leaf,
                AuditEvent.Protocol.SIMPLE,
                null,
                null,
                null);
        return new TrailRecord(SPOOL, leaf, (int) leaf + 1, new byte[32], event);
    }

    private static void await(java.util.function.BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (!done.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(done.getAsBoolean()).as("delivered within 15 s").isTrue();
    }
}
