package io.vigil.proxy.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrailSignerTest {

    @TempDir
    Path dir;

    private final UUID spool = UUID.randomUUID();
    private final byte[] root = TrailChain.sha256().digest(new byte[] {1});

    @Test
    void aCheckpointVerifiesWithThePublicKeyOnly() {
        TrailSigner signer = TrailSigner.generate();
        Checkpoint checkpoint = signer.sign(spool, 42, root, Instant.parse("2026-11-21T10:00:00.123456789Z"));
        assertThat(checkpoint.signedAt()).isEqualTo(Instant.parse("2026-11-21T10:00:00.123456Z"));
        assertThat(checkpoint.keyId()).isEqualTo(TrailSigner.keyId(signer.publicKey()));
        assertThat(checkpoint.signedBy(signer.publicKey())).isTrue();
    }

    @Test
    void anyChangeToACheckpointBreaksItsSignature() {
        TrailSigner signer = TrailSigner.generate();
        Checkpoint c = signer.sign(spool, 42, root, Instant.now());
        byte[] otherRoot = root.clone();
        otherRoot[0] ^= 1;
        assertThat(new Checkpoint(c.spoolId(), 41, c.root(), c.signedAt(), c.keyId(), c.signature())
                        .signedBy(signer.publicKey()))
                .isFalse();
        assertThat(new Checkpoint(c.spoolId(), 42, otherRoot, c.signedAt(), c.keyId(), c.signature())
                        .signedBy(signer.publicKey()))
                .isFalse();
        assertThat(new Checkpoint(UUID.randomUUID(), 42, c.root(), c.signedAt(), c.keyId(), c.signature())
                        .signedBy(signer.publicKey()))
                .isFalse();
        assertThat(new Checkpoint(c.spoolId(), 42, c.root(), c.signedAt().plusNanos(1000), c.keyId(), c.signature())
                        .signedBy(signer.publicKey()))
                .isFalse();
        assertThat(c.signedBy(TrailSigner.generate().publicKey()))
                .as("another key")
                .isFalse();
        assertThat(new Checkpoint(c.spoolId(), 42, c.root(), c.signedAt(), c.keyId(), new byte[] {1, 2})
                        .signedBy(signer.publicKey()))
                .as("a malformed signature")
                .isFalse();
    }

    @Test
    void theKeyIsCreatedOnceOwnerReadableAndReadBack() throws Exception {
        Path key = dir.resolve("secrets/trail-signing.key");
        TrailSigner created = TrailSigner.readOrCreate(key);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key)))
                .isEqualTo("rw-------");
        assertThat(Files.readString(TrailSigner.publicKeyFile(key))).startsWith("-----BEGIN PUBLIC KEY-----");
        TrailSigner again = TrailSigner.readOrCreate(key);
        assertThat(again.keyId()).isEqualTo(created.keyId());
        Checkpoint c = again.sign(spool, 1, root, Instant.now());
        assertThat(c.signedBy(TrailSigner.readPublicKey(TrailSigner.publicKeyFile(key))))
                .isTrue();
    }
}
