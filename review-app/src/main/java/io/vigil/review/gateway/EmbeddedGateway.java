package io.vigil.review.gateway;

import io.vigil.db.LocalSecrets;
import io.vigil.proxy.Gateway;
import io.vigil.proxy.GatewayConfig;
import io.vigil.proxy.SelfSignedCertificate;
import io.vigil.proxy.TlsSettings;
import io.vigil.proxy.audit.JooqAuditSink;
import io.vigil.proxy.audit.TrailSigner;
import io.vigil.proxy.audit.export.JsonLinesFileSink;
import io.vigil.proxy.audit.export.WebhookSink;
import io.vigil.proxy.directory.JooqAgentDirectory;
import io.vigil.proxy.directory.SecretBox;
import io.vigil.proxy.identity.WorkloadIdentity;
import io.vigil.review.VigilProperties;
import io.vigil.review.store.StoreMigration;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/** Runs the gateway inside the web app, against the same store. */
@Component
public class EmbeddedGateway implements SmartLifecycle {

    private final VigilProperties properties;
    private final DSLContext store;
    private final DataSource storeSource;
    private final SecretBox credentials;
    private JooqAuditSink audit;
    private Gateway gateway;
    private final List<AutoCloseable> exports = new ArrayList<>();

    EmbeddedGateway(
            VigilProperties properties,
            DSLContext store,
            DataSource storeSource,
            SecretBox credentials,
            StoreMigration migrated) {
        this.properties = properties;
        this.store = store;
        this.storeSource = storeSource;
        this.credentials = credentials;
    }

    @Override
    public void start() {
        GatewayConfig config = GatewayConfig.builder(
                        properties.gateway().host(), properties.gateway().port())
                .tls(tls())
                .workloadIdentity(workloadIdentity())
                .build();
        // The spool is the gateway's record-before-forward log; it lives with Vigil's other local state.
        audit = new JooqAuditSink(
                storeSource,
                properties.dataDir().resolve("spool"),
                TrailSigner.readOrCreate(properties.trailSigningKey()),
                JooqAuditSink.Settings.defaults()
                        .withCheckpointInterval(properties.trail().checkpointInterval()));
        exportTo(properties.trail());
        gateway = Gateway.start(config, new JooqAgentDirectory(store, credentials, InstantSource.system()), audit);
    }

    /** The SIEM streams, when configured: a JSON-lines file and a webhook. */
    private void exportTo(VigilProperties.Trail trail) {
        try {
            if (trail.exportFile() != null) {
                JsonLinesFileSink file = new JsonLinesFileSink(trail.exportFile());
                audit.addListener(file);
                exports.add(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the trail export file " + trail.exportFile(), e);
        }
        if (trail.webhookUrl() != null) {
            WebhookSink webhook = new WebhookSink(trail.webhookUrl(), trail.webhookToken(), 100_000);
            audit.addListener(webhook);
            exports.add(webhook);
        }
    }

    private WorkloadIdentity workloadIdentity() {
        VigilProperties.Tokens tokens = properties.gateway().tokens();
        if (tokens == null || tokens.issuer() == null) {
            return null;
        }
        return new WorkloadIdentity(
                tokens.issuer(),
                tokens.audience(),
                tokens.jwksUri(),
                tokens.agentClaim(),
                tokens.onBehalfOfClaim(),
                tokens.taskClaim());
    }

    /** The configured certificate; in the demo, a self-signed one kept in the data directory. */
    private TlsSettings tls() {
        VigilProperties.Gateway gateway = properties.gateway();
        if (gateway.keyStore() != null) {
            return new TlsSettings(gateway.keyStore(), gateway.keyStorePassword());
        }
        if (properties.demo()) {
            Path secrets = properties.dataDir().resolve("secrets");
            return SelfSignedCertificate.ensure(
                    secrets.resolve("gateway-tls.p12"),
                    LocalSecrets.readOrCreate(secrets.resolve("gateway-tls.password"), 24));
        }
        return null;
    }

    /** Stops accepting agents and closes their sessions, then writes what the trail still holds. */
    @Override
    public void stop() {
        if (gateway != null) {
            gateway.close();
            audit.close();
            for (AutoCloseable export : exports) {
                try {
                    export.close();
                } catch (Exception e) {
                    // closing an export loses nothing: the store has every record
                }
            }
            exports.clear();
            gateway = null;
        }
    }

    @Override
    public boolean isRunning() {
        return gateway != null;
    }

    public InetSocketAddress address() {
        return gateway.address();
    }
}
