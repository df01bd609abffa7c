package io.vigil.proxy.pipeline;

import io.netty.util.ReferenceCountUtil;
import io.vigil.proxy.protocol.PgFrame;
import java.util.ArrayDeque;

/**
 * A connection's frames held back in the order they came, while the gateway waits on something
 * before them (the login, a statement being parsed, a lookup on the target), to be handled later in
 * that order or released. The one way the pipeline holds frames: whoever holds also pauses reading
 * (see {@code ReadPause}), so what is held stays what one read brought, unless the holder caps it.
 * Held frames are owned here until taken; {@link #releaseAll} when the connection goes.
 */
final class HeldFrames {

    private final ArrayDeque<PgFrame> frames = new ArrayDeque<>();

    /** Holds {@code frame}, which the caller owns and hands over (retain it first if a handler releases it). */
    void hold(PgFrame frame) {
        frames.add(frame);
    }

    /** The oldest frame held, now the caller's; null if none. */
    PgFrame next() {
        return frames.poll();
    }

    boolean isEmpty() {
        return frames.isEmpty();
    }

    /** The frames held, oldest first, still held: to look at, not to take. */
    Iterable<PgFrame> frames() {
        return frames;
    }

    int size() {
        return frames.size();
    }

    void releaseAll() {
        for (PgFrame frame = frames.poll(); frame != null; frame = frames.poll()) {
            ReferenceCountUtil.release(frame);
        }
    }
}
