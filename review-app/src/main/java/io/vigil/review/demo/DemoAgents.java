package io.vigil.review.demo;

import static io.vigil.db.jooq.Tables.AGENT;
import static io.vigil.db.jooq.Tables.TARGET;

import io.vigil.proxy.directory.JooqAgentDirectory;
import io.vigil.proxy.directory.SecretBox;
import io.vigil.review.agents.AgentSecrets;
import io.vigil.review.gateway.AuditTrail;
import io.vigil.review.security.DemoWorkloadClient;
import io.vigil.review.store.StoreMigration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jooq.DSLContext;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.stereotype.Component;

/**
 * The demo's target and agents. Created on the first start; on every start the target's address is
 * refreshed and each agent gets a fresh secret, since Vigil keeps only verifiers and cannot show an
 * old secret again.
 */
@Component
@ConditionalOnBooleanProperty("vigil.demo")
public class DemoAgents {

    /**
     * A demo agent: who is accountable for it, what it is for, and the upstream role of its own it
     * logs in as (null: the shop's login role, which owns the tables).
     *
     * @param tokens it proves who it is with the built-in provider's access tokens, not a secret
     */
    public record DemoAgent(String name, String owner, String purpose, String upstreamRole, boolean tokens) {

        DemoAgent(String name, String owner, String purpose, String upstreamRole) {
            this(name, owner, purpose, upstreamRole, false);
        }
    }

    public static final List<DemoAgent> AGENTS = List.of(
            new DemoAgent(
                    "support-copilot",
                    "owner",
                    "LLM support assistant: looks up customers and orders to answer tickets",
                    "shop_support"),
            new DemoAgent(
                    "billing-reconciler",
                    "owner",
                    "Nightly job matching payments to orders and flagging mismatches",
                    "shop_billing"),
            new DemoAgent(
                    "analytics-etl",
                    "maria.chen",
                    "Hourly export of order facts to the analytics warehouse",
                    "shop_analytics"),
            new DemoAgent(
                    DemoWorkloadClient.AGENT,
                    "admin",
                    "CI pipeline applying schema migrations to the shop database",
                    null,
                    true));

    private final Map<String, String> secrets;

    DemoAgents(
            DSLContext db,
            SecretBox credentials,
            ShopDatabase shop,
            AgentSecrets agentSecrets,
            AuditTrail trail,
            StoreMigration migrated) {
        UUID target = ensureTarget(db, credentials, shop);
        Map<String, String> issued = new LinkedHashMap<>();
        for (DemoAgent agent : AGENTS) {
            UUID id = ensureAgent(db, agent, target, trail);
            sealUpstream(db, credentials, shop, agent, id);
            if (agent.tokens()) {
                // Its tokens come from the built-in provider; a secret of an earlier demo is revoked.
                db.update(AGENT)
                        .set(AGENT.IDENTITY, "oidc")
                        .where(AGENT.ID.eq(id))
                        .execute();
                agentSecrets.revokeAll(id);
                continue;
            }
            issued.put(agent.name(), agentSecrets.replace(id));
            trail.record(
                    AuditTrail.VIGIL,
                    "agent.replace-secret",
                    "agent",
                    id,
                    agent.name(),
                    "demo start: a fresh secret, earlier ones revoked");
        }
        this.secrets = Map.copyOf(issued);
    }

    /** The secret each demo agent was issued at this start (none for one that logs in with tokens). */
    public String secretOf(String agent) {
        return secrets.get(agent);
    }

    private static UUID ensureTarget(DSLContext db, SecretBox credentials, ShopDatabase shop) {
        UUID id = db.select(TARGET.ID)
                .from(TARGET)
                .where(TARGET.NAME.eq(ShopDatabase.DATABASE))
                .fetchOptional(TARGET.ID)
                .orElseGet(UUID::randomUUID);
        byte[] sealed = credentials.seal(shop.gatewayPassword(), JooqAgentDirectory.credentialOwner(id));
        byte[] management =
                credentials.seal(shop.managementPassword(), JooqAgentDirectory.managementCredentialOwner(id));
        db.insertInto(TARGET)
                .set(TARGET.ID, id)
                .set(TARGET.NAME, ShopDatabase.DATABASE)
                .set(TARGET.HOST, "127.0.0.1")
                .set(TARGET.PORT, shop.port())
                .set(TARGET.DATABASE_NAME, ShopDatabase.DATABASE)
                .set(TARGET.UPSTREAM_USER, ShopDatabase.GATEWAY_ROLE)
                .set(TARGET.UPSTREAM_SECRET, sealed)
                .set(TARGET.MANAGEMENT_USER, ShopDatabase.MANAGEMENT_ROLE)
                .set(TARGET.MANAGEMENT_SECRET, management)
                .onConflict(TARGET.ID)
                .doUpdate()
                .set(TARGET.PORT, shop.port())
                .set(TARGET.UPSTREAM_SECRET, sealed)
                .set(TARGET.MANAGEMENT_USER, ShopDatabase.MANAGEMENT_ROLE)
                .set(TARGET.MANAGEMENT_SECRET, management)
                .execute();
        return id;
    }

    /** The agent's own role's password is the data directory's, so it is sealed again on each start. */
    private static void sealUpstream(
            DSLContext db, SecretBox credentials, ShopDatabase shop, DemoAgent agent, UUID id) {
        if (agent.upstreamRole() == null) {
            return;
        }
        db.update(AGENT)
                .set(AGENT.UPSTREAM_USER, agent.upstreamRole())
                .set(
                        AGENT.UPSTREAM_SECRET,
                        credentials.seal(
                                shop.agentRoles().get(agent.upstreamRole()),
                                JooqAgentDirectory.agentCredentialOwner(id)))
                .where(AGENT.ID.eq(id))
                .execute();
    }

    private static UUID ensureAgent(DSLContext db, DemoAgent agent, UUID target, AuditTrail trail) {
        return db.select(AGENT.ID)
                .from(AGENT)
                .where(AGENT.NAME.eq(agent.name()))
                .fetchOptional(AGENT.ID)
                .orElseGet(() -> {
                    UUID id = UUID.randomUUID();
                    db.insertInto(AGENT)
                            .set(AGENT.ID, id)
                            .set(AGENT.NAME, agent.name())
                            .set(AGENT.OWNER, agent.owner())
                            .set(AGENT.PURPOSE, agent.purpose())
                            .set(AGENT.TARGET_ID, target)
                            .execute();
                    trail.record(
                            AuditTrail.VIGIL,
                            "agent.create",
                            "agent",
                            id,
                            agent.name(),
                            "demo seed; owner " + agent.owner() + "; upstream role "
                                    + (agent.upstreamRole() == null
                                            ? "the target's login role"
                                            : agent.upstreamRole()));
                    return id;
                });
    }
}
