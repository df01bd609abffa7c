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
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.jooq.DSLContext;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The whole trail verified as {@code vigil audit verify} does (chains recomputed, every spool's tree
 * against its signed checkpoints), for the pack's Integrity sheet. It runs inside the caller's
 * transaction, so it sees the same snapshot as the rest of the pack.
 *
 * <p>The verifier holds every record in memory. Above {@code vigil.evidence.trail-check-limit}
 * records (by the planner's estimate) the pack says it could not check the trail here, checks only
 * the checkpoints' signatures, and points at the command line, which runs where memory is sized for
 * it: a pack must not take the app down.
 */
@Component
class TrailChecks {

    private final DSLContext db;
    private final Path publicKeyFile;
    private final Clock clock;

    private final long limit;

    @Autowired
    TrailChecks(
            DSLContext db,
            VigilProperties properties,
            Clock clock,
            @Value("${vigil.evidence.trail-check-limit:2000000}") long limit) {
        this(db, TrailSigner.publicKeyFile(properties.trailSigningKey()), clock, limit);
    }

    TrailChecks(DSLContext db, Path publicKeyFile, Clock clock, long limit) {
        this.db = db;
        this.publicKeyFile = publicKeyFile;
        this.clock = clock;
        this.limit = limit;
    }

    TrailCheck check(Instant periodStart) {
        PublicKey key;
        try {
            key = TrailSigner.readPublicKey(publicKeyFile);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the trail's public key", e);
        }
        StoreTrail store = new StoreTrail(db);
        String keyId = TrailSigner.keyId(key);
        long estimate = estimatedRecords();
        if (estimate > limit) {
            return signaturesOnly(store.checkpoints(), key, keyId, estimate);
        }
        List<TrailRecord> records = store.records();
        List<Checkpoint> checkpoints = store.checkpoints();
        TrailVerifier.Report report = TrailVerifier.verify(records, checkpoints, Map.of(keyId, key));
        long inPeriod = records.stream()
                .filter(r -> !when(r.event()).isBefore(periodStart))
                .count();
        return new TrailCheck(
                true,
                clock.instant(),
                keyId,
                report.records(),
                report.sessions(),
                inPeriod,
                report.spools().stream().map(TrailChecks::spool).toList(),
                report.findings().stream().map(Object::toString).toList());
    }

    /**
     * The planner's row estimates for the tables trail records come from (a statement is two
     * records, its start and its outcome; its table is partitioned by month): cheap, and enough to
     * decide. A table never analyzed counts as empty, which only a small, new store has.
     */
    private long estimatedRecords() {
        Long rows = db.resultQuery("""
                        select coalesce(sum(greatest(c.reltuples, 0)
                                            * case when c.relname like 'statement%' then 2 else 1 end), 0)::bigint
                          from pg_class c
                         where c.relkind = 'r'
                           and (c.oid in (select to_regclass('vigil.' || t)
                                            from unnest(array['session', 'statement', 'session_end',
                                                              'login_refusal', 'cancel_request', 'person_action']) t)
                                or c.oid in (select inhrelid from pg_inherits
                                              where inhparent = to_regclass('vigil.statement')))
                        """).fetchOne(0, Long.class);
        return rows == null ? 0 : rows;
    }

    /** Each spool's newest checkpoint that carries a valid signature; the records themselves unread. */
    private TrailCheck signaturesOnly(List<Checkpoint> checkpoints, PublicKey key, String keyId, long estimate) {
        Map<UUID, Checkpoint> newest = new TreeMap<>();
        long forged = 0;
        for (Checkpoint c : checkpoints) {
            if (!c.keyId().equals(keyId) || !c.signedBy(key)) {
                forged++;
                continue;
            }
            newest.merge(c.spoolId(), c, (a, b) -> a.treeSize() >= b.treeSize() ? a : b);
        }
        List<String> findings = new ArrayList<>();
        findings.add(String.format(
                "not checked here: the trail holds about %,d records, more than this app checks (%,d);"
                        + " re-perform with vigil audit verify --store",
                estimate, limit));
        if (forged > 0) {
            findings.add(forged + " checkpoint(s) do not carry a valid signature of key " + keyId);
        }
        return new TrailCheck(
                false,
                clock.instant(),
                keyId,
                0,
                0,
                0,
                newest.values().stream()
                        .map(c -> new TrailCheck.Spool(
                                c.spoolId().toString(),
                                c.treeSize(),
                                1,
                                c.treeSize(),
                                HexFormat.of().formatHex(c.root()),
                                c.signedAt(),
                                0))
                        .toList(),
                findings);
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
