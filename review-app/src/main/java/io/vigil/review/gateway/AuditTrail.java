package io.vigil.review.gateway;

import io.vigil.proxy.audit.AuditEvent.PersonActed;
import io.vigil.proxy.audit.AuditSink;
import io.vigil.proxy.audit.JooqAuditSink;
import io.vigil.proxy.audit.TrailChain;
import io.vigil.proxy.audit.TrailListener;
import io.vigil.proxy.audit.TrailSigner;
import io.vigil.proxy.audit.export.JsonLinesFileSink;
import io.vigil.proxy.audit.export.WebhookSink;
import io.vigil.review.VigilProperties;
import io.vigil.review.store.StoreMigration;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * Vigil's tamper-evident trail in this process: the embedded gateway's statements and what people
 * do in the web app go through the same spool, hash chains, Merkle tree and signed checkpoints, and
 * the same SIEM exports.
 */
@Component
public class AuditTrail implements DisposableBean {

    /** The actor of what Vigil does on its own (schedules, seeding). */
    public static final String VIGIL = "vigil";

    private final JooqAuditSink sink;
    private final Clock clock;
    private final List<AutoCloseable> exports = new ArrayList<>();

    AuditTrail(VigilProperties properties, DataSource storeSource, Clock clock, StoreMigration migrated) {
        this.clock = clock;
        List<TrailListener> listeners = exportTo(properties.trail());
        try {
            // The spool is the gateway's record-before-forward log; it lives with Vigil's other local state.
            this.sink = new JooqAuditSink(
                    storeSource,
                    properties.dataDir().resolve("spool"),
                    TrailSigner.readOrCreate(properties.trailSigningKey()),
                    JooqAuditSink.Settings.defaults()
                            .withCheckpointInterval(properties.trail().checkpointInterval()),
                    listeners);
        } catch (RuntimeException e) {
            closeExports();
            throw e;
        }
    }

    /**
     * Keeps what {@code actor} did in the trail, durably, before the caller's change commits: call it
     * inside the change's transaction, so a change the trail cannot take is rolled back.
     *
     * @param detail what changed, for a reader; never a secret
     * @throws TrailUnavailable if the trail cannot take it now
     */
    public void record(
            String actor, String action, String subjectKind, UUID subjectId, String subjectName, String detail) {
        for (String text : new String[] {actor, action, subjectKind, subjectName, detail}) {
            // The store cannot hold a NUL character: a record with one would never ship, and every
            // record queued behind it would wait. Refused here, the change is rolled back instead.
            if (text == null || text.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("text with a NUL character cannot be recorded");
            }
        }
        PersonActed event = new PersonActed(
                UUID.randomUUID(), clock.instant(), actor, action, subjectKind, subjectId, subjectName, detail);
        if (!sink.record(new TrailChain().link(event))) {
            throw new TrailUnavailable();
        }
    }

    /** The trail is full or failing: nothing may change until it can record the change. */
    public static final class TrailUnavailable extends IllegalStateException {

        private static final long serialVersionUID = 1L;

        TrailUnavailable() {
            super("the audit trail cannot take a record now, so nothing was changed; try again shortly");
        }
    }

    AuditSink sink() {
        return sink;
    }

    /** The SIEM streams, when configured: a JSON-lines file and a webhook. */
    private List<TrailListener> exportTo(VigilProperties.Trail trail) {
        List<TrailListener> listeners = new ArrayList<>();
        try {
            if (trail.exportFile() != null) {
                JsonLinesFileSink file = new JsonLinesFileSink(trail.exportFile());
                listeners.add(file);
                exports.add(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the trail export file " + trail.exportFile(), e);
        }
        if (trail.webhookUrl() != null) {
            WebhookSink webhook = new WebhookSink(trail.webhookUrl(), trail.webhookToken(), 100_000);
            listeners.add(webhook);
            exports.add(webhook);
        }
        return listeners;
    }

    /** Writes what the trail still holds; runs after the gateway has stopped (it depends on this). */
    @Override
    public void destroy() {
        sink.close();
        closeExports();
    }

    private void closeExports() {
        for (AutoCloseable export : exports) {
            try {
                export.close();
            } catch (Exception e) {
                // closing an export loses nothing: the store has every record
            }
        }
    }
}
