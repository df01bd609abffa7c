package io.vigil.review.evidence;

import io.vigil.proxy.audit.AuditEvent;
import io.vigil.proxy.audit.Checkpoint;
import io.vigil.proxy.audit.TrailRecord;
import io.vigil.proxy.audit.TrailSigner;
import io.vigil.proxy.audit.verify.StoreTrail;
import io.vigil.proxy.audit.verify.TrailVerifier;
import io.vigil.reporting.TrailCheck;
import io.vigil.review.VigilProperties;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.jooq.DSLContext;
import org.springframework.stereotype.Component;

/**
 * The whole trail verified as {@code vigil audit verify} does (chains recomputed, every spool's tree
 * against its signed checkpoints), for the pack's Integrity sheet. It runs inside the caller's
 * transaction, so it sees the same snapshot as the rest of the pack.
 */
@Component
class TrailChecks {

    private final DSLContext db;
    private final Path publicKeyFile;
    private final Clock clock;

    TrailChecks(DSLContext db, VigilProperties properties, Clock clock) {
        this.db = db;
        this.publicKeyFile = TrailSigner.publicKeyFile(properties.trailSigningKey());
        this.clock = clock;
    }

    TrailCheck check(Instant periodStart) {
        PublicKey key;
        try {
            key = TrailSigner.readPublicKey(publicKeyFile);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the trail's public key", e);
        }
        StoreTrail store = new StoreTrail(db);
        List<TrailRecord> records = store.records();
        List<Checkpoint> checkpoints = store.checkpoints();
        String keyId = TrailSigner.keyId(key);
        TrailVerifier.Report report = TrailVerifier.verify(records, checkpoints, Map.of(keyId, key));
        long inPeriod = records.stream()
                .filter(r -> !when(r.event()).isBefore(periodStart))
                .count();
        return new TrailCheck(
                clock.instant(),
                keyId,
                report.records(),
                report.sessions(),
                inPeriod,
                report.spools().stream().map(TrailChecks::spool).toList(),
                report.findings().stream().map(Object::toString).toList());
    }

    private static TrailCheck.Spool spool(TrailVerifier.Report.Spool s) {
        Checkpoint latest = s.latest();
        return new TrailCheck.Spool(
                s.id().toString(),
                s.records(),
                s.checkpoints(),
                latest == null ? 0 : latest.treeSize(),
                latest == null ? null : HexFormat.of().formatHex(latest.root()),
                latest == null ? null : latest.signedAt(),
                s.unsigned());
    }

    private static Instant when(AuditEvent event) {
        return switch (event) {
            case AuditEvent.SessionOpened e -> e.startedAt();
            case AuditEvent.StatementStarted e -> e.startedAt();
            case AuditEvent.StatementCompleted e -> e.startedAt();
            case AuditEvent.SessionClosed e -> e.endedAt();
            case AuditEvent.LoginRefused e -> e.at();
            case AuditEvent.CancelRequested e -> e.at();
            case AuditEvent.PersonActed e -> e.at();
            case AuditEvent.Pruned e -> e.before();
        };
    }
}
