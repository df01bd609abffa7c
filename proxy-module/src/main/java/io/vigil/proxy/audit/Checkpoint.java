package io.vigil.proxy.audit;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.UUID;

/**
 * A signed statement that one spool's Merkle tree had {@code treeSize} leaves with this root. The
 * signature covers a fixed text, so any tool can check it with the public key alone:
 *
 * <pre>
 *   vigil trail checkpoint v1
 *   spool &lt;uuid&gt;
 *   size &lt;leaves&gt;
 *   root &lt;hex&gt;
 *   signed &lt;microseconds since 1970&gt;
 * </pre>
 *
 * @param keyId which key signed it ({@link TrailSigner#keyId})
 */
public record Checkpoint(UUID spoolId, long treeSize, byte[] root, Instant signedAt, String keyId, byte[] signature) {

    public Checkpoint {
        signedAt = AuditEvent.canonical(signedAt);
    }

    public byte[] signedText() {
        return ("vigil trail checkpoint v1\n"
                        + "spool " + spoolId + "\n"
                        + "size " + treeSize + "\n"
                        + "root " + HexFormat.of().formatHex(root) + "\n"
                        + "signed " + ChronoUnit.MICROS.between(Instant.EPOCH, signedAt) + "\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    /** Whether {@code key} made this signature (false for any other key, or a malformed one). */
    public boolean signedBy(PublicKey key) {
        try {
            Signature ed25519 = Signature.getInstance("Ed25519");
            ed25519.initVerify(key);
            ed25519.update(signedText());
            return ed25519.verify(signature);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }
}
