package io.vigil.proxy.audit;

import java.util.List;

/**
 * Told what reached the store, right after each commit, on the shipper's thread: keep it quick and
 * never throw. Records come in leaf order; a checkpoint follows the records it covers.
 */
public interface TrailListener {

    /**
     * @param records what the commit stored, in leaf order (may be empty)
     * @param checkpoint the checkpoint the same commit signed, or null
     */
    void stored(List<TrailRecord> records, Checkpoint checkpoint);
}
