package io.vigil.proxy.audit;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.UUID;

/**
 * One session's hash chain: each event's hash covers the previous hash and the event's canonical
 * encoding, so editing, removing or reordering any event breaks every hash after it.
 *
 * <pre>
 *   hash[0] = SHA-256(32 zero bytes || encode(SessionOpened))
 *   hash[i] = SHA-256(hash[i-1]     || encode(event i))
 * </pre>
 *
 * Not thread-safe: a session's events are all produced on its event loop.
 */
public final class TrailChain {

    public static final int HASH_BYTES = 32;

    private byte[] head = new byte[HASH_BYTES];
    private int next;

    /** An event sealed into its chain. */
    public record Link(AuditEvent event, byte[] encoded, int index, byte[] hash) {}

    /** The event sealed as the chain's next link; the chain moves on only at {@link #advance}. */
    public Link link(AuditEvent event) {
        byte[] encoded = TrailCodec.encode(event);
        return new Link(event, encoded, next, hash(head, encoded));
    }

    /** The link was kept: the next one follows it. */
    public void advance(Link link) {
        if (link.index() != next) {
            throw new IllegalStateException("link " + link.index() + " is not the chain's next (" + next + ")");
        }
        head = link.hash();
        next++;
    }

    public static byte[] hash(byte[] previous, byte[] encoded) {
        MessageDigest sha = sha256();
        sha.update(previous);
        sha.update(encoded);
        return sha.digest();
    }

    /**
     * What a record contributes to its spool's Merkle tree: which record it is (session, position)
     * and the hash that seals its content and everything before it in the session.
     */
    public static byte[] leafData(UUID sessionId, int chainIndex, byte[] chainHash) {
        return ByteBuffer.allocate(16 + 4 + HASH_BYTES)
                .putLong(sessionId.getMostSignificantBits())
                .putLong(sessionId.getLeastSignificantBits())
                .putInt(chainIndex)
                .put(chainHash)
                .array();
    }

    /** Copied, not looked up: the provider lookup of getInstance was a few per cent of the shipper. */
    private static final MessageDigest SHA_256;

    static {
        try {
            SHA_256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static MessageDigest sha256() {
        try {
            return (MessageDigest) SHA_256.clone();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("the SHA-256 digest can be cloned on every JDK Vigil runs on", e);
        }
    }
}
