package io.vigil.proxy.directory;

import static io.vigil.db.jooq.Tables.AGENT;
import static io.vigil.db.jooq.Tables.AGENT_CREDENTIAL;
import static io.vigil.db.jooq.Tables.SESSION_END_REQUEST;
import static io.vigil.db.jooq.Tables.TARGET;

import io.vigil.db.jooq.tables.records.TargetRecord;
import io.vigil.proxy.auth.ScramSha256.Verifier;
import java.time.InstantSource;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.jooq.DSLContext;

/** Reads agents, their live verifiers and their targets from Vigil's store. */
public final class JooqAgentDirectory implements AgentDirectory {

    private final DSLContext db;
    private final SecretBox secrets;
    private final InstantSource clock;

    public JooqAgentDirectory(DSLContext db, SecretBox secrets, InstantSource clock) {
        this.db = db;
        this.secrets = secrets;
        this.clock = clock;
    }

    @Override
    public Optional<AgentLogin> find(String user) {
        var row = db.select(
                        AGENT.ID,
                        AGENT.NAME,
                        AGENT.STATUS,
                        AGENT.IDENTITY,
                        TARGET,
                        AGENT.UPSTREAM_USER,
                        AGENT.UPSTREAM_SECRET,
                        AGENT.OWNER,
                        AGENT.TAGS)
                .from(AGENT)
                .join(TARGET)
                .on(TARGET.ID.eq(AGENT.TARGET_ID))
                .where(AGENT.NAME.eq(user))
                .fetchOne();
        if (row == null) {
            return Optional.empty();
        }
        UUID agentId = row.value1();
        return Optional.of(new AgentLogin(
                agentId,
                row.value2(),
                "active".equals(row.value3()),
                "oidc".equals(row.value4()),
                liveVerifiers(agentId),
                target(row.value5(), agentId, row.value6(), row.value7()),
                row.value8(),
                List.of(row.value9())));
    }

    @Override
    public Set<UUID> inactive(Set<UUID> agentIds) {
        Set<UUID> active = db.select(AGENT.ID)
                .from(AGENT)
                .where(AGENT.ID.in(agentIds))
                .and(AGENT.STATUS.eq("active"))
                .fetchSet(AGENT.ID);
        Set<UUID> inactive = new HashSet<>(agentIds);
        inactive.removeAll(active);
        return inactive;
    }

    @Override
    public Map<UUID, String> endRequests(Set<UUID> sessionIds) {
        return db.selectFrom(SESSION_END_REQUEST)
                .where(SESSION_END_REQUEST.SESSION_ID.in(sessionIds))
                .fetchMap(
                        SESSION_END_REQUEST.SESSION_ID,
                        r -> "terminating connection: session ended by " + r.getRequestedBy() + " in Vigil: "
                                + r.getReason());
    }

    private List<Verifier> liveVerifiers(UUID agentId) {
        OffsetDateTime now = OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
        return db.select(AGENT_CREDENTIAL.SCRAM_VERIFIER)
                .from(AGENT_CREDENTIAL)
                .where(AGENT_CREDENTIAL.AGENT_ID.eq(agentId))
                .and(AGENT_CREDENTIAL.REVOKED_AT.isNull())
                .and(AGENT_CREDENTIAL.EXPIRES_AT.isNull().or(AGENT_CREDENTIAL.EXPIRES_AT.gt(now)))
                .orderBy(AGENT_CREDENTIAL.CREATED_AT.desc())
                .fetch(r -> Verifier.parse(r.value1()));
    }

    /** The target as this agent reaches it: as its own upstream role, if it has one. */
    private Target target(TargetRecord t, UUID agentId, String agentUser, byte[] agentSecret) {
        boolean ownRole = agentUser != null;
        return new Target(
                t.getId(),
                t.getName(),
                t.getHost(),
                t.getPort(),
                t.getDatabaseName(),
                ownRole ? agentUser : t.getUpstreamUser(),
                ownRole
                        ? secrets.open(agentSecret, agentCredentialOwner(agentId))
                        : secrets.open(t.getUpstreamSecret(), credentialOwner(t.getId())),
                Target.TlsMode.of(t.getTlsMode()),
                t.getParameterMode().equals("hash"),
                t.getManagementUser());
    }

    /** The associated data that binds a sealed upstream credential to its target row. */
    public static String credentialOwner(UUID targetId) {
        return "vigil.target/" + targetId;
    }

    /** The associated data that binds a target's sealed management credential to its row. */
    public static String managementCredentialOwner(UUID targetId) {
        return "vigil.target-management/" + targetId;
    }

    /** The associated data that binds an agent's own sealed upstream credential to its row. */
    public static String agentCredentialOwner(UUID agentId) {
        return "vigil.agent/" + agentId;
    }
}
