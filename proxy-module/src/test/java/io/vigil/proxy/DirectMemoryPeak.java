package io.vigil.proxy;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;

/**
 * Watches the direct memory held by Netty's default allocator (the gateway's, in this JVM) and keeps
 * the highest it rose above where it started.
 */
final class DirectMemoryPeak implements AutoCloseable {

    private final long start = used();
    private volatile long highest;
    private final Thread watcher =
            Thread.ofPlatform().daemon().name("direct-memory-peak").start(this::watch);

    private void watch() {
        while (!Thread.currentThread().isInterrupted()) {
            highest = Math.max(highest, used() - start);
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    long highest() {
        return Math.max(highest, used() - start);
    }

    private static long used() {
        return ((ByteBufAllocatorMetricProvider) ByteBufAllocator.DEFAULT)
                .metric()
                .usedDirectMemory();
    }

    @Override
    public void close() {
        watcher.interrupt();
    }
}
