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
        MessageDigest sha = TrailChain.sha256();
        sha.update((byte) 0);
        sha.update(data);
        return sha.digest();
    }

    static byte[] nodeHash(byte[] left, byte[] right) {
        MessageDigest sha = TrailChain.sha256();
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
