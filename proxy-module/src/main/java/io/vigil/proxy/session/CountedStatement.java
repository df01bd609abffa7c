package io.vigil.proxy.session;

import io.vigil.proxy.policy.RowCap;

/**
 * A statement under a row cap the target is running: its answer is held until PostgreSQL has said
 * how many rows it changed, and what the client sent after it waits (see {@link Session#count}).
 *
 * @param cap the most rows it may change
 * @param ownPipeline whether the gateway runs it as a pipeline of its own (a simple Query sent as
 *     Parse, Bind, Describe, Execute): then the gateway also sends its Sync, once the count is known
 * @param then lets what the client sent after it go on; run once the count is known and acted on
 */
public record CountedStatement(RowCap cap, boolean ownPipeline, Runnable then) {}
