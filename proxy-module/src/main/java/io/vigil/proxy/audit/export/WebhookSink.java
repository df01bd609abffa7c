package io.vigil.proxy.audit.export;

import io.vigil.proxy.audit.Checkpoint;
import io.vigil.proxy.audit.TrailListener;
import io.vigil.proxy.audit.TrailRecord;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * POSTs the trail to an HTTP endpoint as {@code application/x-ndjson}, in order, one request per
 * stored batch (batches waiting are sent together, up to 1 MiB). A failed request is retried with
 * backoff (up to 30 s) until it succeeds; the shipper never waits for it.
 *
 * <p>Bounded: if the endpoint stays away until {@code maxPendingLines} lines wait, the oldest are
 * dropped and the next request starts with a {@code gap} line naming the leaves it lost, so the
 * receiver knows exactly what to fetch with {@code vigil audit export}:
 *
 * <pre>{"type":"gap","spool":"…","from_leaf":812,"to_leaf":4711,"reason":"…"}</pre>
 */
public final class WebhookSink implements TrailListener, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(WebhookSink.class);
    private static final int MAX_BODY_BYTES = 1 << 20;
    private static final long MAX_BACKOFF_MILLIS = 30_000;

    /** A line and the leaf it carries (checkpoint lines carry none). */
    private record Line(String json, UUID spool, Long leaf) {}

    private final URI endpoint;
    private final String bearerToken;
    private final int maxPendingLines;
    private final HttpClient http;
    private final Deque<Line> pending = new ArrayDeque<>();
    private final Thread sender;
    private volatile boolean running = true;
    /** The oldest and newest line dropped and not yet reported; guarded by {@code pending}. */
    private Line firstDropped;

    private Line lastDropped;

    /** @param bearerToken sent as {@code Authorization: Bearer …}, or null */
    public WebhookSink(URI endpoint, String bearerToken, int maxPendingLines) {
        this.endpoint = endpoint;
        this.bearerToken = bearerToken;
        this.maxPendingLines = maxPendingLines;
        this.http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        this.sender = Thread.ofPlatform().name("vigil-trail-webhook").daemon().start(this::send);
    }

    @Override
    public void stored(List<TrailRecord> records, Checkpoint checkpoint) {
        synchronized (pending) {
            for (TrailRecord r : records) {
                add(new Line(TrailJson.line(r), r.spoolId(), r.leaf()));
            }
            if (checkpoint != null) {
                add(new Line(TrailJson.line(checkpoint), checkpoint.spoolId(), null));
            }
            pending.notifyAll();
        }
    }

    /** Adds at the end; past the bound, the oldest line goes and joins the gap. */
    private void add(Line line) {
        pending.addLast(line);
        trim();
    }

    private void trim() {
        while (pending.size() > maxPendingLines) {
            noteDropped(pending.removeFirst());
        }
    }

    /**
     * Widens the gap to cover {@code line}. Lines go oldest first, and a batch that failed goes
     * back in front of the queue, right after the gap before it and right before the lines dropped
     * while it was in flight: the dropped leaves always form one range.
     */
    private void noteDropped(Line line) {
        if (line == null || line.leaf() == null) {
            return;
        }
        if (firstDropped == null || line.leaf() < firstDropped.leaf()) {
            firstDropped = line;
        }
        if (lastDropped == null || line.leaf() > lastDropped.leaf()) {
            lastDropped = line;
        }
    }

    private void send() {
        long backoff = 500;
        while (running) {
            List<Line> batch = new ArrayList<>();
            Line gapFrom;
            Line gapTo;
            synchronized (pending) {
                while (pending.isEmpty() && firstDropped == null && running) {
                    waitQuietly();
                }
                if (!running) {
                    return;
                }
                // In flight, the batch is out of the queue: a drop meanwhile cannot touch it.
                gapFrom = firstDropped;
                gapTo = lastDropped;
                firstDropped = null;
                lastDropped = null;
                int bytes = 0;
                while (!pending.isEmpty()
                        && (batch.isEmpty()
                                || bytes + pending.peekFirst().json().length() < MAX_BODY_BYTES)) {
                    Line line = pending.removeFirst();
                    bytes += line.json().length() + 1;
                    batch.add(line);
                }
            }
            if (post(body(gapFrom, gapTo, batch))) {
                backoff = 500;
                continue;
            }
            synchronized (pending) {
                for (int i = batch.size() - 1; i >= 0; i--) {
                    pending.addFirst(batch.get(i));
                }
                noteDropped(gapFrom);
                noteDropped(gapTo);
                trim();
            }
            sleepQuietly(backoff);
            backoff = Math.min(backoff * 2, MAX_BACKOFF_MILLIS);
        }
    }

    private static String body(Line gapFrom, Line gapTo, List<Line> batch) {
        StringBuilder b = new StringBuilder();
        if (gapFrom != null) {
            b.append(gap(gapFrom, gapTo)).append('\n');
        }
        for (Line line : batch) {
            b.append(line.json()).append('\n');
        }
        return b.toString();
    }

    private static String gap(Line from, Line to) {
        return "{\"type\":\"gap\",\"spool\":\"" + from.spool() + "\",\"from_leaf\":" + from.leaf()
                + ",\"to_leaf\":" + to.leaf()
                + ",\"reason\":\"the webhook was unreachable for too long; fetch these with vigil audit export\"}";
    }

    private boolean post(String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(endpoint)
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-ndjson")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (bearerToken != null) {
            request.header("Authorization", "Bearer " + bearerToken);
        }
        try {
            int status = http.send(request.build(), HttpResponse.BodyHandlers.discarding())
                    .statusCode();
            if (status / 100 == 2) {
                return true;
            }
            log.warn("the trail webhook {} answered {}; retrying", endpoint, status);
        } catch (IOException e) {
            log.warn("cannot reach the trail webhook {}: {}; retrying", endpoint, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
        return false;
    }

    /** Lines waiting to be delivered. */
    public int pending() {
        synchronized (pending) {
            return pending.size();
        }
    }

    private void waitQuietly() {
        try {
            pending.wait(1_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    private void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    /** Stops sending; what is still pending is left to {@code vigil audit export}. */
    @Override
    public void close() {
        running = false;
        synchronized (pending) {
            pending.notifyAll();
        }
        sender.interrupt();
        http.close();
    }
}
