package io.vigil.review.evidence;

import static io.vigil.db.jooq.Tables.CAMPAIGN;
import static io.vigil.db.jooq.Tables.EVIDENCE_PACK;

import io.vigil.proxy.audit.TrailSigner;
import io.vigil.proxy.audit.pack.EvidenceManifest;
import io.vigil.reporting.EvidencePack;
import io.vigil.reporting.ExcelReport;
import io.vigil.reporting.HistoryReport;
import io.vigil.reporting.Metrics;
import io.vigil.reporting.PdfReport;
import io.vigil.reporting.TrailCheck;
import io.vigil.review.VigilProperties;
import io.vigil.review.campaigns.CampaignClosed;
import io.vigil.review.campaigns.CampaignEvidence;
import io.vigil.review.gateway.AuditTrail;
import io.vigil.review.security.CurrentViewer;
import io.vigil.review.security.Role;
import io.vigil.review.security.Viewer;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.event.TransactionalEventListener;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Evidence packs: generated in the background (at most one at a time per campaign, by any
 * instance), kept in the store, and served to auditors and administrators only.
 *
 * <pre>
 *   request / campaign closed (and a sweep each minute for closed campaigns without one)
 *     -> row 'running' (a unique index allows one per campaign; a heartbeat every 30 s from
 *        queued to done, so a pack whose instance died is taken over after 5 min)
 *     -> one read-only repeatable-read snapshot: trail check, workbook, PDF (progress in their
 *        own transactions)
 *     -> manifest over both files, signed with the trail key
 *     -> files stored in chunks, row 'ready' only if still 'running'   (or 'failed' with why)
 * </pre>
 *
 * One pack is generated at a time per instance: a large one takes a good part of the heap.
 */
@Service
public class EvidencePacks {

    public static final String XLSX = "evidence.xlsx";
    public static final String PDF = "evidence.pdf";

    /** A running pack whose instance stopped heartbeating for this long has failed. */
    static final Duration ABANDONED = Duration.ofMinutes(5);

    private static final Logger log = LoggerFactory.getLogger(EvidencePacks.class);
    private static final Duration PROGRESS_EVERY = Duration.ofMillis(500);
    private static final Duration HEARTBEAT = Duration.ofSeconds(30);
    private static final String AT_CLOSE = AuditTrail.VIGIL + " (at the campaign's close)";

    private final DSLContext db;
    private final CampaignEvidence campaigns;
    private final TrailChecks trailChecks;
    private final CurrentViewer viewer;
    private final AuditTrail trail;
    private final Clock clock;
    private final Path signingKey;
    private final TransactionTemplate snapshot;
    private final TransactionTemplate separately;
    private final PackFiles files;
    private final TransactionTemplate reading;
    private final ExecutorService workers = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().name("evidence-pack-", 1).daemon().factory());
    private final ScheduledExecutorService heartbeats = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("evidence-heartbeat").daemon().factory());

    EvidencePacks(
            DSLContext db,
            CampaignEvidence campaigns,
            TrailChecks trailChecks,
            CurrentViewer viewer,
            AuditTrail trail,
            Clock clock,
            VigilProperties properties,
            PackFiles files,
            PlatformTransactionManager transactions) {
        this.db = db;
        this.files = files;
        this.campaigns = campaigns;
        this.trailChecks = trailChecks;
        this.viewer = viewer;
        this.trail = trail;
        this.clock = clock;
        this.signingKey = properties.trailSigningKey();
        this.snapshot = new TransactionTemplate(transactions);
        snapshot.setReadOnly(true);
        snapshot.setIsolationLevel(TransactionDefinition.ISOLATION_REPEATABLE_READ);
        this.separately = new TransactionTemplate(transactions);
        separately.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
        this.reading = new TransactionTemplate(transactions);
        reading.setReadOnly(true);
    }

    /**
     * Working directories a dead instance left behind hold agent names and SQL: gone at start (a
     * day old, so another instance's running work on the same host is left alone).
     */
    @PostConstruct
    void removeStaleWork() {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        Instant dayAgo = clock.instant().minus(Duration.ofDays(1));
        try (var dirs = Files.newDirectoryStream(tmp, "vigil-evidence-*")) {
            for (Path dir : dirs) {
                if (Files.getLastModifiedTime(dir).toInstant().isBefore(dayAgo)) {
                    deleteQuietly(dir);
                }
            }
        } catch (IOException e) {
            log.warn("could not look for stale evidence work in {}: {}", tmp, e.getMessage());
        }
    }

    /** Packs left running here stay 'running' until their heartbeat is stale; the sweep redoes them. */
    @PreDestroy
    void stop() {
        workers.shutdownNow();
        heartbeats.shutdownNow();
    }

    /** A campaign and its newest pack, as the Evidence page lists them. */
    public record CampaignPack(
            UUID campaignId,
            String campaign,
            String campaignState,
            OffsetDateTime launchedAt,
            OffsetDateTime closedAt,
            String packState,
            float progress,
            String requestedBy,
            OffsetDateTime finishedAt,
            String error,
            Integer items,
            boolean downloadable) {

        public boolean running() {
            return "running".equals(packState);
        }
    }

    /** Every campaign, newest first, with its newest pack. */
    public List<CampaignPack> campaigns() {
        requireReader();
        var newest = db.select(
                        EVIDENCE_PACK.CAMPAIGN_ID,
                        EVIDENCE_PACK.STATE,
                        EVIDENCE_PACK.PROGRESS,
                        EVIDENCE_PACK.REQUESTED_BY,
                        EVIDENCE_PACK.FINISHED_AT,
                        EVIDENCE_PACK.ERROR,
                        EVIDENCE_PACK.ITEMS,
                        EVIDENCE_PACK.HEARTBEAT_AT)
                .distinctOn(EVIDENCE_PACK.CAMPAIGN_ID)
                .from(EVIDENCE_PACK)
                .orderBy(EVIDENCE_PACK.CAMPAIGN_ID, EVIDENCE_PACK.REQUESTED_AT.desc())
                .asTable("newest");
        OffsetDateTime stale = OffsetDateTime.now(clock).minus(ABANDONED);
        return db.select(
                        CAMPAIGN.ID,
                        CAMPAIGN.NAME,
                        CAMPAIGN.STATE,
                        CAMPAIGN.LAUNCHED_AT,
                        CAMPAIGN.CLOSED_AT,
                        newest.field(EVIDENCE_PACK.STATE),
                        newest.field(EVIDENCE_PACK.PROGRESS),
                        newest.field(EVIDENCE_PACK.REQUESTED_BY),
                        newest.field(EVIDENCE_PACK.FINISHED_AT),
                        newest.field(EVIDENCE_PACK.ERROR),
                        newest.field(EVIDENCE_PACK.ITEMS),
                        newest.field(EVIDENCE_PACK.HEARTBEAT_AT),
                        DSL.field(DSL.exists(DSL.selectOne()
                                .from(EVIDENCE_PACK)
                                .where(EVIDENCE_PACK.CAMPAIGN_ID.eq(CAMPAIGN.ID))
                                .and(EVIDENCE_PACK.STATE.eq("ready")))))
                .from(CAMPAIGN)
                .leftJoin(newest)
                .on(newest.field(EVIDENCE_PACK.CAMPAIGN_ID).eq(CAMPAIGN.ID))
                .orderBy(CAMPAIGN.LAUNCHED_AT.desc())
                .fetch(r -> {
                    String state = r.value6();
                    boolean abandoned = "running".equals(state) && r.value12().isBefore(stale);
                    return new CampaignPack(
                            r.value1(),
                            r.value2(),
                            r.value3(),
                            r.value4(),
                            r.value5(),
                            abandoned ? "failed" : state,
                            r.value7() == null ? 0 : r.value7(),
                            r.value8(),
                            r.value9(),
                            abandoned ? "the instance generating it stopped" : r.value10(),
                            r.value11(),
                            r.value13());
                });
    }

    /** Starts a new pack for the campaign; an auditor or administrator asks. */
    public void request(UUID campaignId) {
        Viewer v = requireReader();
        separately.executeWithoutResult(tx -> {
            campaigns.periodStart(campaignId); // exists
            trail.record(
                    v.name(),
                    "evidence.generate",
                    "campaign",
                    campaignId,
                    campaignName(campaignId),
                    "asked for a pack");
        });
        start(campaignId, v.name());
    }

    /** A closed campaign gets its final pack without anyone asking. */
    @TransactionalEventListener
    void closed(CampaignClosed event) {
        try {
            start(event.campaignId(), AT_CLOSE);
        } catch (RuntimeException e) {
            // Runs after the commit, where an exception would only be logged: the sweep retries.
            log.warn("the final pack of campaign {} did not start: {}", event.campaignId(), e.getMessage());
        }
    }

    /**
     * Every closed campaign without a pack asked for after its close (a pack still running then,
     * an instance that died, a failure) gets one; three failed tries are the end of it.
     */
    @Scheduled(initialDelay = 30_000, fixedDelay = 60_000)
    public void sweepFinalPacks() {
        var after = EVIDENCE_PACK.REQUESTED_AT.ge(CAMPAIGN.CLOSED_AT).and(EVIDENCE_PACK.CAMPAIGN_ID.eq(CAMPAIGN.ID));
        List<UUID> missing = db.select(CAMPAIGN.ID)
                .from(CAMPAIGN)
                .where(CAMPAIGN.STATE.eq("closed"))
                .andNotExists(DSL.selectOne()
                        .from(EVIDENCE_PACK)
                        .where(after)
                        .and(EVIDENCE_PACK.STATE.in("running", "ready")))
                .and(DSL.field(DSL.selectCount().from(EVIDENCE_PACK).where(after))
                        .lt(3))
                .fetch(CAMPAIGN.ID);
        for (UUID campaignId : missing) {
            try {
                start(campaignId, AT_CLOSE);
            } catch (RuntimeException e) {
                log.warn("the final pack of campaign {} did not start: {}", campaignId, e.getMessage());
            }
        }
    }

    private void start(UUID campaignId, String by) {
        UUID packId = UUID.randomUUID();
        OffsetDateTime now = OffsetDateTime.now(clock);
        try {
            separately.executeWithoutResult(tx -> {
                db.update(EVIDENCE_PACK)
                        .set(EVIDENCE_PACK.STATE, "failed")
                        .set(EVIDENCE_PACK.ERROR, "the instance generating it stopped")
                        .set(EVIDENCE_PACK.FINISHED_AT, now)
                        .where(EVIDENCE_PACK.CAMPAIGN_ID.eq(campaignId))
                        .and(EVIDENCE_PACK.STATE.eq("running"))
                        .and(EVIDENCE_PACK.HEARTBEAT_AT.lt(now.minus(ABANDONED)))
                        .execute();
                db.insertInto(EVIDENCE_PACK)
                        .set(EVIDENCE_PACK.ID, packId)
                        .set(EVIDENCE_PACK.CAMPAIGN_ID, campaignId)
                        .set(EVIDENCE_PACK.STATE, "running")
                        .set(EVIDENCE_PACK.REQUESTED_BY, by)
                        .set(EVIDENCE_PACK.REQUESTED_AT, now)
                        .set(EVIDENCE_PACK.HEARTBEAT_AT, now)
                        .execute();
            });
        } catch (DuplicateKeyException e) {
            throw new IllegalStateException("a pack for this campaign is being generated already");
        }
        ScheduledFuture<?> beating = heartbeats.scheduleWithFixedDelay(
                () -> heartbeat(packId), HEARTBEAT.toSeconds(), HEARTBEAT.toSeconds(), TimeUnit.SECONDS);
        workers.execute(() -> {
            try {
                generate(packId, campaignId, by);
            } finally {
                beating.cancel(false);
            }
        });
    }

    private void heartbeat(UUID packId) {
        try {
            separately.executeWithoutResult(tx -> db.update(EVIDENCE_PACK)
                    .set(EVIDENCE_PACK.HEARTBEAT_AT, OffsetDateTime.now(clock))
                    .where(EVIDENCE_PACK.ID.eq(packId))
                    .and(EVIDENCE_PACK.STATE.eq("running"))
                    .execute());
        } catch (RuntimeException e) {
            log.warn("evidence pack heartbeat failed: {}", e.getMessage());
        }
    }

    private void generate(UUID packId, UUID campaignId, String by) {
        Path dir = null;
        try {
            dir = Files.createTempDirectory("vigil-evidence-");
            Path xlsx = dir.resolve(XLSX);
            Path pdf = dir.resolve(PDF);
            Progress progress = new Progress(packId);
            int items = snapshot.execute(tx -> write(campaignId, by, xlsx, pdf, progress));
            store(packId, campaignId, xlsx, pdf, items);
            log.info("evidence pack for campaign {} ready ({} items)", campaignId, items);
        } catch (Throwable e) { // an OutOfMemoryError most of all must not leave the pack "running"
            log.warn("evidence pack for campaign {} failed: {}", campaignId, e.toString());
            try {
                separately.executeWithoutResult(tx -> db.update(EVIDENCE_PACK)
                        .set(EVIDENCE_PACK.STATE, "failed")
                        .set(EVIDENCE_PACK.ERROR, e.getClass().getSimpleName() + ": " + e.getMessage())
                        .set(EVIDENCE_PACK.FINISHED_AT, OffsetDateTime.now(clock))
                        .where(EVIDENCE_PACK.ID.eq(packId))
                        .and(EVIDENCE_PACK.STATE.eq("running"))
                        .execute());
            } catch (RuntimeException notRecorded) {
                log.warn("could not record that pack {} failed: {}", packId, notRecorded.getMessage());
            }
            if (e instanceof Error error) {
                throw error;
            }
        } finally {
            deleteQuietly(dir);
        }
    }

    /** Inside the snapshot: the trail check, then the workbook, then the PDF. */
    private int write(UUID campaignId, String by, Path xlsx, Path pdf, Progress progress) {
        try {
            TrailCheck check = trailChecks.check(campaigns.periodStart(campaignId));
            int total = db.select(CAMPAIGN.ITEMS)
                    .from(CAMPAIGN)
                    .where(CAMPAIGN.ID.eq(campaignId))
                    .fetchOne(CAMPAIGN.ITEMS);
            progress.expect(3L * Math.max(1, total));
            EvidencePack pack = campaigns.pack(campaignId, check, by, clock.instant(), n -> progress.step());
            Metrics metrics;
            try (OutputStream out = Files.newOutputStream(xlsx)) {
                metrics = ExcelReport.write(pack, out);
            }
            try (OutputStream out = Files.newOutputStream(pdf)) {
                PdfReport.write(pack, metrics, Map.of(XLSX, PackFiles.sha256Hex(xlsx)), out);
            }
            return (int) metrics.items();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The workbook and PDF, then the manifest over the hashes they were stored with, and its signature. */
    private void store(UUID packId, UUID campaignId, Path xlsx, Path pdf, int items) {
        TrailSigner signer = TrailSigner.readOrCreate(signingKey);
        separately.executeWithoutResult(tx -> {
            Map<String, String> hashes = new LinkedHashMap<>();
            hashes.put(XLSX, files.store(packId, XLSX, xlsx));
            hashes.put(PDF, files.store(packId, PDF, pdf));
            EvidenceManifest manifest = new EvidenceManifest(campaignId, clock.instant(), signer.keyId(), hashes);
            files.store(packId, EvidenceManifest.FILE, manifest.text());
            files.store(packId, EvidenceManifest.SIGNATURE, Base64.getEncoder().encode(manifest.sign(signer)));
            int ready = db.update(EVIDENCE_PACK)
                    .set(EVIDENCE_PACK.STATE, "ready")
                    .set(EVIDENCE_PACK.PROGRESS, 1f)
                    .set(EVIDENCE_PACK.ITEMS, items)
                    .set(EVIDENCE_PACK.FINISHED_AT, OffsetDateTime.now(clock))
                    .where(EVIDENCE_PACK.ID.eq(packId))
                    .and(EVIDENCE_PACK.STATE.eq("running"))
                    .execute();
            if (ready == 0) {
                // Taken for abandoned meanwhile (and perhaps redone): its files go with the rollback.
                throw new IllegalStateException("the pack was given up for abandoned while it was being stored");
            }
        });
    }

    /**
     * Writes a file of the campaign's newest ready pack to {@code out}, a chunk at a time.
     *
     * @return false if the campaign has no ready pack (nothing is written)
     */
    public boolean writeFile(UUID campaignId, String name, OutputStream out) throws IOException {
        Viewer v = requireReader();
        if (!List.of(XLSX, PDF).contains(name)) {
            return false;
        }
        return send(v, campaignId, name, pack -> files.copy(pack, name, out));
    }

    /** The newest ready pack as one zip, streamed to {@code out}; false if there is none. */
    public boolean zip(UUID campaignId, OutputStream out) throws IOException {
        Viewer v = requireReader();
        return send(v, campaignId, "pack.zip", pack -> {
            ZipOutputStream zip = new ZipOutputStream(out);
            for (String name : files.names(pack)) {
                zip.putNextEntry(new ZipEntry(name));
                files.copy(pack, name, zip);
                zip.closeEntry();
            }
            zip.finish();
        });
    }

    /** What a download writes, given the pack. */
    @FunctionalInterface
    private interface Writing {
        void write(UUID pack) throws IOException;
    }

    private boolean send(Viewer v, UUID campaignId, String file, Writing writing) throws IOException {
        UUID pack = newestReady(campaignId);
        if (pack == null) {
            return false;
        }
        downloaded(v, campaignId, file);
        try {
            reading.executeWithoutResult(tx -> {
                try {
                    writing.write(pack);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        return true;
    }

    /** The name a browser saves a campaign's pack file under. */
    public String downloadName(UUID campaignId, String name) {
        requireReader();
        return fileName(campaignId, name.substring(name.indexOf('.')));
    }

    public String zipName(UUID campaignId) {
        requireReader();
        return fileName(campaignId, "-pack.zip");
    }

    /** An agent's history across campaigns as a workbook. */
    public Download history(UUID agentId) {
        Viewer v = requireReader();
        var history = campaigns.history(agentId, clock.instant());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            HistoryReport.write(history, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        separately.executeWithoutResult(tx -> trail.record(
                v.name(),
                "evidence.download",
                "agent",
                agentId,
                history.agent() == null ? agentId.toString() : history.agent(),
                "review history"));
        String name = history.agent() == null ? agentId.toString() : history.agent();
        return new Download("review-history-" + safe(name) + ".xlsx", out.toByteArray());
    }

    /** A file to send, with the name the browser saves it under. */
    public record Download(String fileName, byte[] content) {}

    private UUID newestReady(UUID campaignId) {
        return db.select(EVIDENCE_PACK.ID)
                .from(EVIDENCE_PACK)
                .where(EVIDENCE_PACK.CAMPAIGN_ID.eq(campaignId))
                .and(EVIDENCE_PACK.STATE.eq("ready"))
                .orderBy(EVIDENCE_PACK.REQUESTED_AT.desc())
                .limit(1)
                .fetchOne(EVIDENCE_PACK.ID);
    }

    private void downloaded(Viewer v, UUID campaignId, String file) {
        separately.executeWithoutResult(tx ->
                trail.record(v.name(), "evidence.download", "campaign", campaignId, campaignName(campaignId), file));
    }

    private String campaignName(UUID campaignId) {
        String name = db.select(CAMPAIGN.NAME)
                .from(CAMPAIGN)
                .where(CAMPAIGN.ID.eq(campaignId))
                .fetchOne(CAMPAIGN.NAME);
        if (name == null) {
            throw new NoSuchCampaign();
        }
        return name;
    }

    private String fileName(UUID campaignId, String suffix) {
        return "evidence-" + safe(campaignName(campaignId)) + suffix;
    }

    /** A name safe in a Content-Disposition header and any file system. */
    static String safe(String name) {
        String s = name.replaceAll("[^A-Za-z0-9._-]+", "-").replaceAll("^-+|-+$", "");
        return s.isEmpty() ? "campaign" : s.substring(0, Math.min(80, s.length()));
    }

    private Viewer requireReader() {
        Viewer v = viewer.get();
        if (!v.has(Role.AUDITOR) && !v.has(Role.ADMIN)) {
            throw new AccessDeniedException("evidence is for auditors and administrators");
        }
        return v;
    }

    /** Counts walked items; writes progress and the heartbeat at most twice a second. */
    private final class Progress {

        private final UUID packId;
        private long expected = 1;
        private long done;
        private Instant written = Instant.EPOCH;

        Progress(UUID packId) {
            this.packId = packId;
        }

        void expect(long steps) {
            expected = steps;
        }

        void step() {
            done++;
            Instant now = clock.instant();
            if (Duration.between(written, now).compareTo(PROGRESS_EVERY) >= 0) {
                written = now;
                float fraction = Math.min(0.99f, (float) done / expected);
                separately.executeWithoutResult(tx -> db.update(EVIDENCE_PACK)
                        .set(EVIDENCE_PACK.PROGRESS, fraction)
                        .set(EVIDENCE_PACK.HEARTBEAT_AT, OffsetDateTime.ofInstant(now, ZoneOffset.UTC))
                        .where(EVIDENCE_PACK.ID.eq(packId))
                        .execute());
            }
        }
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try (var files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            log.warn("could not delete {}: {}", dir, e.getMessage());
        }
    }
}
