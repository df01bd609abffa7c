package io.vigil.proxy.audit;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

/**
 * RFC 6962 (Certificate Transparency) Merkle tree hashing over the trail's event hashes, in the
 * order the store received them. A signed checkpoint of the root commits to every record up to
 * its size: anything edited, removed, reordered or cut from the tail changes the root.
 *
 * <pre>
 *   MTH({})      = SHA-256()
 *   MTH({d0})    = SHA-256(0x00 || d0)
 *   MTH(D[n])    = SHA-256(0x01 || MTH(D[0:k]) || MTH(D[k:n])),  k = largest power of 2 below n
 * </pre>
 *
 * {@link Frontier} appends leaves one at a time keeping only O(log n) hashes, so the shipper can
 * extend the tree forever without reading old leaves back.
 */
public final class MerkleTree {

    private MerkleTree() {}

    public static byte[] leafHash(byte[] data) {
        MessageDigest sha = TrailChain.localSha256();
        sha.update((byte) 0);
        sha.update(data);
        return sha.digest();
    }

    static byte[] nodeHash(byte[] left, byte[] right) {
        MessageDigest sha = TrailChain.localSha256();
        sha.update((byte) 1);
        sha.update(left);
        sha.update(right);
        return sha.digest();
    }

    /** The root over {@code leaves} (leaf data, not yet leaf-hashed), by the RFC's definition. */
    public static byte[] root(List<byte[]> leaves) {
        if (leaves.isEmpty()) {
            return TrailChain.sha256().digest();
        }
        if (leaves.size() == 1) {
            return leafHash(leaves.getFirst());
        }
        int k = Integer.highestOneBit(leaves.size() - 1);
        return nodeHash(root(leaves.subList(0, k)), root(leaves.subList(k, leaves.size())));
    }

    /** The right edge of a growing tree: the roots of its perfect subtrees, largest first. */
    public static final class Frontier {

        private final List<byte[]> hashes = new ArrayList<>();
        private final List<Integer> heights = new ArrayList<>();
        private long size;

        public void append(byte[] leafData) {
            byte[] hash = leafHash(leafData);
            int height = 0;
            while (!heights.isEmpty() && heights.getLast() == height) {
                hash = nodeHash(hashes.removeLast(), hash);
                heights.removeLast();
                height++;
            }
            hashes.add(hash);
            heights.add(height);
            size++;
        }

        public long size() {
            return size;
        }

        /**
         * The subtree roots, largest first, concatenated: with {@link #size} all it takes to go on
         * (their heights are the set bits of the size).
         */
        public byte[] packed() {
            byte[] packed = new byte[hashes.size() * TrailChain.HASH_BYTES];
            for (int i = 0; i < hashes.size(); i++) {
                System.arraycopy(hashes.get(i), 0, packed, i * TrailChain.HASH_BYTES, TrailChain.HASH_BYTES);
            }
            return packed;
        }

        /** @throws IllegalArgumentException if {@code packed} does not fit a tree of {@code size} */
        public static Frontier restore(long size, byte[] packed) {
            if (size < 0 || packed.length != Long.bitCount(size) * TrailChain.HASH_BYTES) {
                throw new IllegalArgumentException("a frontier of " + packed.length + " bytes for " + size + " leaves");
            }
            Frontier frontier = new Frontier();
            int i = 0;
            for (int height = 63; height >= 0; height--) {
                if ((size & (1L << height)) != 0) {
                    frontier.hashes.add(java.util.Arrays.copyOfRange(
                            packed, i * TrailChain.HASH_BYTES, (i + 1) * TrailChain.HASH_BYTES));
                    frontier.heights.add(height);
                    i++;
                }
            }
            frontier.size = size;
            return frontier;
        }

        /** The root of the tree so far: the perfect subtrees folded from the right. */
        public byte[] root() {
            if (hashes.isEmpty()) {
                return TrailChain.sha256().digest();
            }
            byte[] root = hashes.getLast();
            for (int i = hashes.size() - 2; i >= 0; i--) {
                root = nodeHash(hashes.get(i), root);
            }
            return root;
        }
    }
}
