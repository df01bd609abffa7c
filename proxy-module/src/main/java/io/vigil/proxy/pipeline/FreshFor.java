package io.vigil.proxy.pipeline;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Values kept for a while after they were read at a login, so the logins soon after skip reading
 * them again. Bounded: past {@code maxKept} keys it starts afresh. Thread-safe (logins run on every
 * event loop).
 */
final class FreshFor<V> {

    private record Kept<V>(V value, long atNanos) {}

    private final Duration fresh;
    private final int maxKept;
    private final LongSupplier nanoTime;
    private final Map<String, Kept<V>> kept = new ConcurrentHashMap<>();

    FreshFor(Duration fresh, int maxKept, LongSupplier nanoTime) {
        this.fresh = fresh;
        this.maxKept = maxKept;
        this.nanoTime = nanoTime;
    }

    /** The value kept under {@code key} if it is younger than the freshness, else null. */
    V get(String key) {
        Kept<V> k = kept.get(key);
        return k != null && nanoTime.getAsLong() - k.atNanos() < fresh.toNanos() ? k.value() : null;
    }

    void put(String key, V value) {
        if (kept.size() >= maxKept) {
            kept.clear();
        }
        kept.put(key, new Kept<>(value, nanoTime.getAsLong()));
    }
}
