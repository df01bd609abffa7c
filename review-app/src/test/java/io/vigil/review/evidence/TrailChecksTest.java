package io.vigil.review.evidence;

import static io.vigil.db.jooq.Tables.TRAIL_CHECKPOINT;
import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.db.jooq.tables.records.TrailCheckpointRecord;
import io.vigil.proxy.audit.Checkpoint;
import io.vigil.proxy.audit.TrailSigner;
import io.vigil.reporting.TrailCheck;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record1;
import org.jooq.Result;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.jooq.tools.jdbc.MockConnection;
import org.jooq.tools.jdbc.MockResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A trail larger than the app may hold is not read: the pack says it was not fully checked, names
 * the command that checks it, and still checks every checkpoint's signature.
 */
class TrailChecksTest {

    private static final DSLContext BUILD = DSL.using(SQLDialect.POSTGRES);
    private static final Instant NOW = Instant.parse("2026-11-22T08:00:00Z");

    @TempDir
    Path dir;

    @Test
    void aTrailAboveTheLimitIsNotReadButItsCheckpointsAreChecked() {
        TrailSigner signer = TrailSigner.readOrCreate(dir.resolve("trail-signing.key"));
        UUID spool = UUID.fromString("00000000-0000-4000-8000-00000000000a");
        Checkpoint older = signer.sign(spool, 1_000, new byte[32], NOW.minusSeconds(60));
        Checkpoint newer = signer.sign(spool, 2_000, new byte[32], NOW.minusSeconds(30));
        Checkpoint forged = TrailSigner.generate().sign(spool, 3_000, new byte[32], NOW);
        forged = new Checkpoint(spool, 3_000, forged.root(), forged.signedAt(), signer.keyId(), forged.signature());
        List<Checkpoint> stored = List.of(older, newer, forged);

        DSLContext store = DSL.using(
                new MockConnection(ctx -> {
                    String sql = ctx.sql();
                    if (sql.contains("reltuples")) {
                        Field<Long> rows = DSL.field("rows", Long.class);
                        Result<Record1<Long>> r = BUILD.newResult(rows);
                        r.add(BUILD.newRecord(rows).values(5_000_000L));
                        return new MockResult[] {new MockResult(1, r)};
                    }
                    if (sql.contains("trail_checkpoint")) {
                        Result<TrailCheckpointRecord> r = BUILD.newResult(TRAIL_CHECKPOINT);
                        stored.forEach(c -> r.add(record(c)));
                        return new MockResult[] {new MockResult(r.size(), r)};
                    }
                    throw new AssertionError("a trail above the limit must not be read: " + sql);
                }),
                SQLDialect.POSTGRES);

        TrailCheck check = new TrailChecks(
                        store,
                        TrailSigner.publicKeyFile(dir.resolve("trail-signing.key")),
                        Clock.fixed(NOW, ZoneOffset.UTC),
                        2_000_000)
                .check(NOW.minusSeconds(86_400));

        assertThat(check.complete()).isFalse();
        assertThat(check.intact()).isFalse();
        assertThat(check.verdict()).isEqualTo("TAMPERED");
        assertThat(check.findings())
                .containsExactly(
                        "not checked here: the trail holds about 5,000,000 records, more than this app checks"
                                + " (2,000,000); re-perform with vigil audit verify --store",
                        "1 checkpoint(s) do not carry a valid signature of key " + signer.keyId());
        assertThat(check.spools()).singleElement().satisfies(s -> {
            assertThat(s.latestSize()).isEqualTo(2_000);
            assertThat(s.latestSignedAt()).isEqualTo(newer.signedAt());
        });
    }

    private static TrailCheckpointRecord record(Checkpoint c) {
        TrailCheckpointRecord r = BUILD.newRecord(TRAIL_CHECKPOINT);
        r.setSpoolId(c.spoolId());
        r.setTreeSize(c.treeSize());
        r.setRoot(c.root());
        r.setSignedAt(c.signedAt().atOffset(ZoneOffset.UTC));
        r.setKeyId(c.keyId());
        r.setSignature(c.signature());
        return r;
    }
}
