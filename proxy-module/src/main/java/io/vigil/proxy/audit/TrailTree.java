package io.vigil.proxy.audit;

import static io.vigil.db.jooq.Tables.TRAIL_CHECKPOINT;
import static io.vigil.db.jooq.Tables.TRAIL_CURSOR;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;
import org.jooq.DSLContext;
import org.jooq.Record2;

/**
 * One spool's Merkle tree as the shipper grows it: every shipped event is the next leaf, and a
 * signed checkpoint of the root is written when the interval has passed. Its state (leaf count and
 * frontier) lives in the spool's {@code trail_cursor} row and moves in the shipper's transaction,
 * so a failed batch is simply {@link #load loaded} again. Shipper thread only.
 */
final class TrailTree {

    private final UUID spoolId;
    private final TrailSigner signer;
    private final Duration interval;
    private final InstantSource clock;

    private MerkleTree.Frontier frontier = new MerkleTree.Frontier();
    private long signedSize;
    private Instant signedAt = Instant.EPOCH;

    TrailTree(UUID spoolId, TrailSigner signer, Duration interval, InstantSource clock) {
        this.spoolId = spoolId;
        this.signer = signer;
        this.interval = interval;
        this.clock = clock;
    }

    /** Reads the tree as the store last committed it. */
    void load(DSLContext t) {
        Record2<Long, byte[]> saved = t.select(TRAIL_CURSOR.LEAVES, TRAIL_CURSOR.FRONTIER)
                .from(TRAIL_CURSOR)
                .where(TRAIL_CURSOR.SPOOL_ID.eq(spoolId))
                .fetchOne();
        frontier =
                saved == null ? new MerkleTree.Frontier() : MerkleTree.Frontier.restore(saved.value1(), saved.value2());
        Record2<Long, OffsetDateTime> last = t.select(TRAIL_CHECKPOINT.TREE_SIZE, TRAIL_CHECKPOINT.SIGNED_AT)
                .from(TRAIL_CHECKPOINT)
                .where(TRAIL_CHECKPOINT.SPOOL_ID.eq(spoolId))
                .orderBy(TRAIL_CHECKPOINT.TREE_SIZE.desc())
                .limit(1)
                .fetchOne();
        signedSize = last == null ? 0 : last.value1();
        signedAt = last == null ? Instant.EPOCH : last.value2().toInstant();
    }

    /** @return the new leaf's number */
    long append(TrailChain.Link link) {
        long leaf = frontier.size();
        frontier.append(TrailChain.leafData(link.event().sessionId(), link.index(), link.hash()));
        return leaf;
    }

    long size() {
        return frontier.size();
    }

    byte[] packedFrontier() {
        return frontier.packed();
    }

    /** Leaves not yet under a checkpoint, and the interval has passed (or {@code now} is asked). */
    boolean checkpointDue(boolean now) {
        return frontier.size() > signedSize && (now || !clock.instant().isBefore(signedAt.plus(interval)));
    }

    /** Signs the current root and inserts the checkpoint; takes effect when the caller commits. */
    Checkpoint checkpoint(DSLContext t) {
        Checkpoint c = signer.sign(spoolId, frontier.size(), frontier.root(), clock.instant());
        t.insertInto(TRAIL_CHECKPOINT)
                .set(TRAIL_CHECKPOINT.SPOOL_ID, c.spoolId())
                .set(TRAIL_CHECKPOINT.TREE_SIZE, c.treeSize())
                .set(TRAIL_CHECKPOINT.ROOT, c.root())
                .set(TRAIL_CHECKPOINT.SIGNED_AT, OffsetDateTime.ofInstant(c.signedAt(), ZoneOffset.UTC))
                .set(TRAIL_CHECKPOINT.KEY_ID, c.keyId())
                .set(TRAIL_CHECKPOINT.SIGNATURE, c.signature())
                .execute();
        signedSize = c.treeSize();
        signedAt = c.signedAt();
        return c;
    }
}
