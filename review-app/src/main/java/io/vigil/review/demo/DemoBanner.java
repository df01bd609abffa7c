package io.vigil.review.demo;

import io.vigil.db.EmbeddedDatabaseServer;
import io.vigil.proxy.audit.TrailSigner;
import io.vigil.review.VigilProperties;
import io.vigil.review.gateway.EmbeddedGateway;
import io.vigil.review.security.DemoUsers;
import io.vigil.review.security.DemoWorkloadClient;
import java.io.PrintStream;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Tells the person who started the demo how to use it. Printed to the terminal, never logged: it
 * holds passwords and secrets, and logs are collected and kept.
 */
@Component
@ConditionalOnBooleanProperty("vigil.demo")
class DemoBanner {

    private final VigilProperties properties;
    private final ObjectProvider<DemoUsers> users;
    private final ObjectProvider<DemoWorkloadClient> workload;
    private final DemoAgents agents;
    private final EmbeddedGateway gateway;
    private final EmbeddedDatabaseServer store;

    DemoBanner(
            VigilProperties properties,
            ObjectProvider<DemoUsers> users,
            ObjectProvider<DemoWorkloadClient> workload,
            DemoAgents agents,
            EmbeddedGateway gateway,
            @org.springframework.beans.factory.annotation.Qualifier("store") EmbeddedDatabaseServer store) {
        this.properties = properties;
        this.users = users;
        this.workload = workload;
        this.agents = agents;
        this.gateway = gateway;
        this.store = store;
    }

    @EventListener(ApplicationReadyEvent.class)
    void print() {
        PrintStream out = System.out;
        int port = gateway.address().getPort();
        String first = DemoAgents.AGENTS.getFirst().name();
        StringBuilder b = new StringBuilder("\n");
        b.append("  Vigil demo is running. Stop it with Ctrl-C; state is kept in ")
                .append(properties.dataDir().toAbsolutePath().normalize())
                .append("\n\n");
        b.append("  Web app   ").append(properties.publicUrl()).append("\n");
        users.ifAvailable(demoUsers -> {
            b.append("  Sign in as (built-in identity provider):\n");
            for (var u : demoUsers.all()) {
                b.append("    %-9s password %-18s (%s)%n".formatted(u.username(), u.password(), u.role()));
            }
        });
        b.append("\n  Gateway   ")
                .append(gateway.address().getHostString())
                .append(':')
                .append(port)
                .append("   target database: shop   (TLS: sslmode=require; the certificate is self-signed)\n");
        b.append("  Demo agents and their secrets (new at every start; Vigil keeps only verifiers):\n");
        DemoAgents.AGENTS.forEach(a -> b.append("    %-19s owner %-11s %s%n"
                .formatted(
                        a.name(),
                        a.owner(),
                        a.tokens() ? "(no secret: logs in with tokens, below)" : agents.secretOf(a.name()))));
        b.append("\n  Connect as an agent:\n    PGPASSWORD='")
                .append(agents.secretOf(first))
                .append("' psql \"host=127.0.0.1 port=")
                .append(port)
                .append(" dbname=shop user=")
                .append(first)
                .append("\"\n");
        b.append(
                "    Guardrails: the gateway enforces the 'baseline' policy. In that session, try\n"
                        + "      drop table orders;    -- denied by Vigil (42501, rule no-drop): it never reaches the database\n");
        b.append("    Approvals: an UPDATE of every row waits in the agent's session for a person. As analytics-etl:\n")
                .append("      PGPASSWORD='")
                .append(agents.secretOf("analytics-etl"))
                .append("' psql \"host=127.0.0.1 port=")
                .append(port)
                .append(" dbname=shop user=analytics-etl\" -c \"update orders set status = status\"\n")
                .append("      then, signed in as approver, approve or deny it at ")
                .append(properties.publicUrl())
                .append("/approvals (undecided, it is denied after 5 minutes)\n");
        workload.ifAvailable(
                client -> b.append("\n  Connect as the CI job, with a workload token from the built-in provider"
                                + " (acting for a person, on a task):\n    TOKEN=$(curl -s -u ")
                        .append(client.clientId())
                        .append(':')
                        .append(client.clientSecret())
                        .append(" -d grant_type=client_credentials -d on_behalf_of=admin -d task=MIG-42 ")
                        .append(properties.publicUrl())
                        .append("/oauth2/token | sed -E 's/.*\"access_token\":\"([^\"]+)\".*/\\1/')\n")
                        .append("    PGPASSWORD=\"$TOKEN\" psql \"host=127.0.0.1 port=")
                        .append(port)
                        .append(" dbname=shop user=")
                        .append(client.clientId())
                        .append("\"\n"));
        b.append("\n  Check the audit trail (public key only):\n    VIGIL_STORE_PASSWORD=\"$(cat ")
                .append(properties.dataDir().resolve("secrets/store.password"))
                .append(")\" ./vigil audit verify --public-key ")
                .append(TrailSigner.publicKeyFile(properties.trailSigningKey()))
                .append(" --store ")
                .append(store.jdbcUrl(DemoDatabaseConfiguration.STORE_DATABASE))
                .append(" --user ")
                .append(DemoDatabaseConfiguration.STORE_ROLE)
                .append("\n");
        out.println(b);
        out.flush();
    }
}
