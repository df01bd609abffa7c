package io.vigil.proxy.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.MessageDigest;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrailChainTest {

    private static final List<AuditEvent> EVENTS = TrailCodecTest.events().toList();

    /** The documented formula, with a digest of its own: hash[i] = SHA-256(hash[i-1] || encode(event i)). */
    private static byte[] expectedHash(byte[] previous, AuditEvent event) {
        MessageDigest sha = TrailChain.sha256();
        sha.update(previous);
        sha.update(TrailCodec.encode(event));
        return sha.digest();
    }

    @Test
    void eachLinkHashesThePreviousHashAndTheEventsEncoding() {
        TrailChain chain = new TrailChain();
        byte[] previous = new byte[TrailChain.HASH_BYTES];
        for (int i = 0; i < EVENTS.size(); i++) {
            TrailChain.Link link = chain.link(EVENTS.get(i));
            assertThat(link.index()).isEqualTo(i);
            assertThat(link.hash()).isEqualTo(expectedHash(previous, EVENTS.get(i)));
            assertThat(link.encoded()).isEqualTo(TrailCodec.encode(EVENTS.get(i)));
            chain.advance(link);
            previous = link.hash();
        }
    }

    @Test
    void aRecordParsesBackToItsLink() {
        TrailChain chain = new TrailChain();
        for (AuditEvent event : EVENTS) {
            TrailChain.Link link = chain.link(event);
            chain.advance(link);
            TrailChain.Link parsed = TrailChain.parse(link.record());
            assertThat(parsed.index()).isEqualTo(link.index());
            assertThat(parsed.hash()).isEqualTo(link.hash());
            assertThat(parsed.encoded()).isEqualTo(link.encoded());
            assertThat(parsed.event()).usingRecursiveComparison().isEqualTo(event);
        }
    }

    @Test
    void aLinkNotKeptDoesNotMoveTheChain() {
        TrailChain chain = new TrailChain();
        TrailChain.Link refused = chain.link(EVENTS.get(0));
        TrailChain.Link again = chain.link(EVENTS.get(0));
        assertThat(again.index()).isZero();
        assertThat(again.hash()).isEqualTo(refused.hash());
        chain.advance(again);
        assertThatThrownBy(() -> chain.advance(refused)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aHashCallThatFailedHalfwayDoesNotLeakIntoTheNext() {
        byte[] previous = new byte[TrailChain.HASH_BYTES];
        byte[] encoded = TrailCodec.encode(EVENTS.get(0));
        byte[] expected = TrailChain.hash(previous, encoded);
        // The thread's digest is left with input in it, as an exception between update and digest would.
        TrailChain.localSha256().update(new byte[] {1, 2, 3});
        assertThat(TrailChain.hash(previous, encoded)).isEqualTo(expected);
        TrailChain.localSha256().update(new byte[] {4});
        assertThat(MerkleTree.leafHash(encoded)).isEqualTo(leafHashOwnDigest(encoded));
    }

    private static byte[] leafHashOwnDigest(byte[] data) {
        MessageDigest sha = TrailChain.sha256();
        sha.update((byte) 0);
        sha.update(data);
        return sha.digest();
    }
}
