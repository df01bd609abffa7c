package io.vigil.review.gateway;

import io.vigil.db.LocalSecrets;
import io.vigil.proxy.Gateway;
import io.vigil.proxy.GatewayConfig;
import io.vigil.proxy.SelfSignedCertificate;
import io.vigil.proxy.TlsSettings;
import io.vigil.proxy.directory.JooqAgentDirectory;
import io.vigil.proxy.directory.JooqApprovalDesk;
import io.vigil.proxy.directory.JooqPolicyStore;
import io.vigil.proxy.directory.SecretBox;
import io.vigil.proxy.identity.WorkloadIdentity;
import io.vigil.proxy.sql.Redaction;
import io.vigil.proxy.sql.SqlLimits;
import io.vigil.review.VigilProperties;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.InstantSource;
import org.jooq.DSLContext;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/** Runs the gateway inside the web app, against the same store. */
@Component
public class EmbeddedGateway implements SmartLifecycle {

    private final VigilProperties properties;
    private final DSLContext store;
    private final SecretBox credentials;
    private final AuditTrail trail;
    private Gateway gateway;

    /** The demo's built-in identity provider runs: the gateway accepts its workload tokens. */
    private final boolean builtinIdp;

    EmbeddedGateway(
            VigilProperties properties,
            DSLContext store,
            SecretBox credentials,
            AuditTrail trail,
            @org.springframework.beans.factory.annotation.Value("${vigil.idp.builtin:false}") boolean builtinIdp) {
        this.builtinIdp = builtinIdp;
        this.properties = properties;
        this.store = store;
        this.credentials = credentials;
        this.trail = trail;
    }

    @Override
    public void start() {
        GatewayConfig config = GatewayConfig.builder(
                        properties.gateway().host(), properties.gateway().port())
                .tls(tls())
                .workloadIdentity(workloadIdentity())
                .sql(SqlLimits.defaults()
                        .withMaxStatementBytes(properties.gateway().maxStatementBytes()))
                .redaction(Redaction.keyed(LocalSecrets.readOrCreate(properties.trailRedactionKey(), 32)
                        .getBytes(StandardCharsets.UTF_8)))
                .approvalsPage(properties.publicUrl() + "/approvals")
                .build();
        gateway = Gateway.start(
                config,
                new JooqAgentDirectory(store, credentials, InstantSource.system()),
                new JooqPolicyStore(store),
                new JooqApprovalDesk(store),
                trail.sink());
    }

    private WorkloadIdentity workloadIdentity() {
        VigilProperties.Tokens tokens = properties.gateway().tokens();
        if (tokens == null || tokens.issuer() == null) {
            // The demo's own provider issues its CI job's tokens (client credentials).
            return properties.demo() && builtinIdp
                    ? new WorkloadIdentity(
                            properties.publicUrl(),
                            VigilProperties.DEMO_TOKEN_AUDIENCE,
                            java.net.URI.create(properties.publicUrl() + "/oauth2/jwks"),
                            "sub",
                            "act.sub",
                            "task_id")
                    : null;
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

    /** Stops accepting agents and closes their sessions; the trail then writes what it still holds. */
    @Override
    public void stop() {
        if (gateway != null) {
            gateway.close();
            gateway = null;
        }
    }

    @Override
    public boolean isRunning() {
        return gateway != null;
    }

    /** The host agents reach the gateway at: its listening address, or the web app's host when it listens on all. */
    public String agentHost() {
        String host = properties.gateway().host();
        return host.equals("0.0.0.0") || host.equals("::")
                ? java.net.URI.create(properties.publicUrl()).getHost()
                : host;
    }

    public InetSocketAddress address() {
        return gateway.address();
    }

    /** How many sessions of the agent are open in this instance's gateway now (0 when it is stopped). */
    public int liveSessions(java.util.UUID agentId) {
        Gateway running = gateway;
        return running == null ? 0 : running.liveSessions(agentId);
    }
}
