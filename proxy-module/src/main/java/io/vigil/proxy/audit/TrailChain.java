package io.vigil.proxy.audit;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
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

    /** Bytes of a {@link Link#record() record} before the event's encoding: its index and hash. */
    static final int RECORD_HEADER = 4 + HASH_BYTES;

    /**
     * An event sealed into its chain.
     *
     * @param record what the spool keeps of it: {@code Int32 index, hash, the event's encoding}
     */
    public record Link(AuditEvent event, byte[] record, int index, byte[] hash) {

        /** The event's canonical encoding, as hashed. */
        public byte[] encoded() {
            return Arrays.copyOfRange(record, RECORD_HEADER, record.length);
        }
    }

    /**
     * The event sealed as the chain's next link; the chain moves on only at {@link #advance}. The
     * event is encoded straight into its record (two events per statement on the event loops).
     */
    public Link link(AuditEvent event) {
        byte[] record = TrailCodec.encode(event, RECORD_HEADER);
        byte[] hash = hash(head, record, RECORD_HEADER, record.length - RECORD_HEADER);
        ByteBuffer.wrap(record).putInt(next).put(hash);
        return new Link(event, record, next, hash);
    }

    /** A link as the spool kept it. */
    public static Link parse(byte[] record) {
        ByteBuffer in = ByteBuffer.wrap(record);
        int index = in.getInt();
        byte[] hash = new byte[HASH_BYTES];
        in.get(hash);
        byte[] encoded = new byte[in.remaining()];
        in.get(encoded);
        return new Link(TrailCodec.decode(encoded), record, index, hash);
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
        return hash(previous, encoded, 0, encoded.length);
    }

    private static byte[] hash(byte[] previous, byte[] bytes, int offset, int length) {
        MessageDigest sha = localSha256();
        sha.update(previous);
        sha.update(bytes, offset, length);
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

    /**
     * A digest only this thread uses, reset: for a hash computed start to finish in one call. Two
     * per event and two more per Merkle leaf were each a copy of the prototype (a third of all
     * the gateway allocated).
     */
    public static MessageDigest localSha256() {
        MessageDigest sha = LOCAL_SHA_256.get();
        sha.reset(); // in case a call before this one failed halfway
        return sha;
    }

    private static final ThreadLocal<MessageDigest> LOCAL_SHA_256 = ThreadLocal.withInitial(TrailChain::sha256);

    static MessageDigest sha256() {
        try {
            return (MessageDigest) SHA_256.clone();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("the SHA-256 digest can be cloned on every JDK Vigil runs on", e);
        }
    }
}
