package io.vigil.review.sessions;

import io.vigil.proxy.audit.Checkpoint;
import io.vigil.proxy.audit.TrailRecord;
import io.vigil.proxy.audit.TrailSigner;
import io.vigil.proxy.audit.verify.StoreTrail;
import io.vigil.proxy.audit.verify.TrailVerifier;
import io.vigil.review.VigilProperties;
import java.io.IOException;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import org.jooq.DSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Checks one session's part of the trail the way {@code vigil audit verify} checks all of it, as
 * far as a page can afford: the session's chain re-computed from its rows, and which of its records
 * the newest signed checkpoint covers. The full proof (every spool's tree against its signed roots,
 * a cut tail) stays with the command-line verifier.
 */
@Component
class TrailIntegrity {

    private static final Logger log = LoggerFactory.getLogger(TrailIntegrity.class);

    private final DSLContext db;
    private final Path publicKeyFile;

    TrailIntegrity(DSLContext db, VigilProperties properties) {
        this.db = db;
        this.publicKeyFile = TrailSigner.publicKeyFile(properties.trailSigningKey());
    }

    SessionIntegrity of(UUID session) {
        StoreTrail trail = new StoreTrail(db);
        List<TrailRecord> records = trail.session(session);
        List<String> findings = new ArrayList<>();
        TrailVerifier.verifyChain(records).forEach(f -> findings.add(f.record() + ": " + f.problem()));
        Checkpoint newest = records.stream()
                .map(TrailRecord::spoolId)
                .filter(Objects::nonNull)
                .findFirst()
                .flatMap(trail::newestCheckpoint)
                .orElse(null);
        if (newest == null) {
            return new SessionIntegrity(records.size(), 0, null, findings);
        }
        PublicKey key = publicKey();
        if (key == null || !TrailSigner.keyId(key).equals(newest.keyId()) || !newest.signedBy(key)) {
            findings.add("the newest checkpoint of its spool (" + newest.treeSize()
                    + " records) does not carry a valid signature of this installation's trail key");
            return new SessionIntegrity(records.size(), 0, null, findings);
        }
        long signed = records.stream()
                .filter(r -> r.leaf() != null && r.leaf() < newest.treeSize())
                .count();
        return new SessionIntegrity(records.size(), signed, signed == 0 ? null : newest.signedAt(), findings);
    }

    private PublicKey publicKey() {
        try {
            return TrailSigner.readPublicKey(publicKeyFile);
        } catch (IOException e) {
            log.warn("cannot read the trail's public key {}: {}", publicKeyFile, e.getMessage());
            return null;
        }
    }
}
