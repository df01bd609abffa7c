package io.vigil.review.agents;

import static io.vigil.db.jooq.Tables.AGENT;
import static io.vigil.db.jooq.Tables.AGENT_CREDENTIAL;
import static io.vigil.db.jooq.Tables.TARGET;
import static io.vigil.db.jooq.Tables.USAGE_AGENT_LAST;

import io.vigil.proxy.directory.JooqAgentDirectory;
import io.vigil.proxy.directory.SecretBox;
import io.vigil.review.gateway.AuditTrail;
import io.vigil.review.gateway.EmbeddedGateway;
import io.vigil.review.security.CurrentViewer;
import io.vigil.review.security.Role;
import io.vigil.review.security.Viewer;
import io.vigil.review.store.StoreMigration;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.SelectOnConditionStep;
import org.jooq.impl.DSL;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The agent inventory. Every call checks who is asking: administrators manage every agent; an
 * owner sees their own agents and may rotate their secrets, disable them, re-enable what they
 * disabled themselves (not what an administrator or a review disabled or revoked) and describe
 * their purpose; auditors and approvers
 * read everything and change nothing. Every change is a record in the audit trail, written before
 * the change commits.
 */
@Service
public class AgentService {

    /** The store's own rule for agent names: what a PostgreSQL client can send as its user. */
    static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_.-]{0,62}");

    private static final Pattern TAG = Pattern.compile("[a-z0-9][a-z0-9_.:-]{0,62}");
    private static final Pattern ROLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_$.-]{0,62}");
    private static final int MAX_OWNER = 200;
    private static final int MAX_PURPOSE = 1000;

    private final DSLContext db;
    private final CurrentViewer viewer;
    private final AgentSecrets secrets;
    private final SecretBox credentials;
    private final AuditTrail trail;
    private final AgentProperties settings;
    private final EmbeddedGateway gateway;
    private final Clock clock;

    AgentService(
            DSLContext db,
            CurrentViewer viewer,
            AgentSecrets secrets,
            SecretBox credentials,
            AuditTrail trail,
            AgentProperties settings,
            EmbeddedGateway gateway,
            Clock clock,
            StoreMigration migrated) {
        this.gateway = gateway;
        this.db = db;
        this.viewer = viewer;
        this.secrets = secrets;
        this.credentials = credentials;
        this.trail = trail;
        this.settings = settings;
        this.clock = clock;
    }

    /** The agents the viewer may see, by name. */
    public List<Agent> agents() {
        return select().where(AgentVisibility.of(viewer.get()))
                .orderBy(AGENT.NAME)
                .fetch(AgentService::agent);
    }

    /**
     * One agent.
     *
     * @throws AccessDeniedException if the viewer may not see it, or there is none
     */
    public Agent agent(UUID id) {
        return select().where(AGENT.ID.eq(id))
                .and(AgentVisibility.of(viewer.get()))
                .fetchOptional(AgentService::agent)
                .orElseThrow(() -> new AccessDeniedException("no agent you may see"));
    }

    /** Whether the viewer creates agents, changes owners and upstream roles: administrators. */
    public boolean mayManage() {
        return viewer.get().has(Role.ADMIN);
    }

    /** Whether the viewer may rotate, disable, re-enable and describe {@code agent}. */
    public boolean mayActOn(Agent agent) {
        Viewer v = viewer.get();
        return v.has(Role.ADMIN) || v.has(Role.OWNER) && agent.owner().equals(v.name());
    }

    /** The connection settings an agent's operator needs next to its secret (the secret goes in PGPASSWORD). */
    public String connectionHint(Agent agent) {
        return "psql \"host=" + gateway.agentHost() + " port="
                + gateway.address().getPort() + " dbname=" + agent.targetName() + " user=" + agent.name()
                + " sslmode=require\"";
    }

    /** How long an earlier secret keeps working after a rotation. */
    public java.time.Duration rotationOverlap() {
        return settings.rotationOverlap();
    }

    /** Creates an agent and issues its first secret (unless it uses a workload identity). */
    @Transactional
    public CreatedAgent create(NewAgent request) {
        String actor = requireAdmin();
        String name = checkName(request.name());
        String owner = checkOwner(request.owner());
        String purpose = checkPurpose(request.purpose());
        String target = db.select(TARGET.NAME)
                .from(TARGET)
                .where(TARGET.ID.eq(request.targetId()))
                .fetchOptional(TARGET.NAME)
                .orElseThrow(() -> new IllegalArgumentException("choose a target"));
        if (db.fetchExists(AGENT, AGENT.NAME.eq(name))) {
            throw new IllegalArgumentException("an agent named " + name + " exists already");
        }
        UUID id = UUID.randomUUID();
        db.insertInto(AGENT)
                .set(AGENT.ID, id)
                .set(AGENT.NAME, name)
                .set(AGENT.OWNER, owner)
                .set(AGENT.PURPOSE, purpose)
                .set(AGENT.TARGET_ID, request.targetId())
                .set(AGENT.IDENTITY, request.workloadIdentity() ? "oidc" : "secret")
                .set(AGENT.CREATED_AT, now())
                .execute();
        String upstream = setUpstream(id, request.upstreamUser(), request.upstreamPassword());
        String secret = request.workloadIdentity() ? null : secrets.replace(id);
        trail.record(
                actor,
                "agent.create",
                "agent",
                id,
                name,
                "owner " + owner + "; target " + target + "; upstream role " + upstream + "; "
                        + (request.workloadIdentity() ? "workload identity" : "secret issued") + "; purpose: "
                        + purpose);
        return new CreatedAgent(id, name, secret);
    }

    /**
     * Issues a new secret; the earlier ones keep working for {@link #rotationOverlap()}.
     *
     * @return the new secret, shown once
     */
    @Transactional
    public String rotateSecret(UUID id) {
        Agent agent = requireMayActOn(id);
        if (agent.workloadIdentity()) {
            throw new IllegalArgumentException(
                    agent.name() + " proves who it is with a workload identity, not a secret");
        }
        String secret = secrets.rotate(id, settings.rotationOverlap());
        trail.record(
                viewer.get().name(),
                "agent.rotate-secret",
                "agent",
                id,
                agent.name(),
                "new secret issued; earlier secrets stop working at " + now().plus(settings.rotationOverlap()));
        return secret;
    }

    /** Disables the agent: the gateway ends its live sessions within a second and refuses new logins. */
    @Transactional
    public void disable(UUID id, String reason) {
        Agent agent = requireMayActOn(id);
        String why = checkReason(reason);
        if (!agent.active()) {
            throw new IllegalArgumentException(agent.name() + " is " + agent.status() + " already");
        }
        setStatus(agent, "disabled", why);
    }

    /** Lets a disabled agent log in again. Only an administrator re-enables a revoked one. */
    @Transactional
    public void enable(UUID id, String reason) {
        Agent agent = requireMayActOn(id);
        String why = checkReason(reason);
        if (agent.active()) {
            throw new IllegalArgumentException(agent.name() + " is active already");
        }
        Viewer v = viewer.get();
        if (!v.has(Role.ADMIN) && !v.name().equals(disabledBy(id))) {
            throw new AccessDeniedException(agent.name() + " was " + agent.status()
                    + " by someone else (a review or an administrator); only an administrator re-enables it");
        }
        setStatus(agent, "active", why);
    }

    /**
     * Revokes the agent because a review decided so: the gateway ends its live sessions within a
     * second and refuses its logins, and only an administrator may re-enable it. Vigil's own act
     * (no viewer): the campaign's close runs it. Joins the caller's transaction.
     *
     * @return false if it was revoked already
     */
    @Transactional
    public boolean revokeByReview(UUID id, String campaign, String decidedBy) {
        var agent = db.select(AGENT.NAME, AGENT.STATUS)
                .from(AGENT)
                .where(AGENT.ID.eq(id))
                .forUpdate()
                .fetchOne();
        if (agent == null) {
            throw new IllegalArgumentException("no such agent");
        }
        if (agent.value2().equals("revoked")) {
            return false;
        }
        db.update(AGENT)
                .set(AGENT.STATUS, "revoked")
                .set(AGENT.DISABLED_BY, "review: " + campaign)
                .where(AGENT.ID.eq(id))
                .execute();
        trail.record(
                AuditTrail.VIGIL,
                "agent.revoke",
                "agent",
                id,
                agent.value1(),
                "status " + agent.value2() + " -> revoked: decided by " + decidedBy + " in " + campaign);
        return true;
    }

    /** Makes {@code newOwner} accountable for the agent. */
    @Transactional
    public void transfer(UUID id, String newOwner) {
        String actor = requireAdmin();
        Agent agent = agent(id);
        String owner = checkOwner(newOwner);
        if (owner.equals(agent.owner())) {
            throw new IllegalArgumentException(owner + " owns " + agent.name() + " already");
        }
        db.update(AGENT).set(AGENT.OWNER, owner).where(AGENT.ID.eq(id)).execute();
        trail.record(actor, "agent.transfer", "agent", id, agent.name(), "owner " + agent.owner() + " -> " + owner);
    }

    /** Sets the agent's tags (lower-case words): what campaigns and people group agents by. */
    @Transactional
    public void tag(UUID id, List<String> tags) {
        String actor = requireAdmin();
        Agent agent = agent(id);
        List<String> clean = tags.stream()
                .map(String::strip)
                .filter(t -> !t.isEmpty())
                .distinct()
                .sorted()
                .toList();
        for (String t : clean) {
            if (!TAG.matcher(t).matches()) {
                throw new IllegalArgumentException("a tag is lower-case letters, digits and _ . : - (up to 63): " + t);
            }
        }
        if (clean.size() > 20) {
            throw new IllegalArgumentException("an agent has at most 20 tags");
        }
        db.update(AGENT)
                .set(AGENT.TAGS, clean.toArray(String[]::new))
                .where(AGENT.ID.eq(id))
                .execute();
        trail.record(actor, "agent.tags", "agent", id, agent.name(), agent.tags() + " -> " + clean);
    }

    /** Says what the agent is for. */
    @Transactional
    public void describe(UUID id, String purpose) {
        Agent agent = requireMayActOn(id);
        String text = checkPurpose(purpose);
        db.update(AGENT).set(AGENT.PURPOSE, text).where(AGENT.ID.eq(id)).execute();
        trail.record(viewer.get().name(), "agent.describe", "agent", id, agent.name(), agent.purpose() + " -> " + text);
    }

    /**
     * Changes the role the agent logs in to its target as: a role of its own with its password
     * (entered once), or, with a blank user, the target's login role. Sessions open now keep theirs.
     */
    @Transactional
    public void changeUpstreamRole(UUID id, String user, String password) {
        String actor = requireAdmin();
        Agent agent = agent(id);
        String upstream = setUpstream(id, user, password);
        trail.record(actor, "agent.upstream-role", "agent", id, agent.name(), agent.upstreamRole() + " -> " + upstream);
    }

    private String disabledBy(UUID id) {
        return db.select(AGENT.DISABLED_BY).from(AGENT).where(AGENT.ID.eq(id)).fetchOne(AGENT.DISABLED_BY);
    }

    private void setStatus(Agent agent, String status, String why) {
        db.update(AGENT)
                .set(AGENT.STATUS, status)
                .set(
                        AGENT.DISABLED_BY,
                        status.equals("active") ? null : viewer.get().name())
                .where(AGENT.ID.eq(agent.id()))
                .execute();
        trail.record(
                viewer.get().name(),
                status.equals("active") ? "agent.enable" : "agent.disable",
                "agent",
                agent.id(),
                agent.name(),
                "status " + agent.status() + " -> " + status + ": " + why);
    }

    /** Stores the agent's own upstream role (sealed password), or clears it; returns its description. */
    private String setUpstream(UUID id, String user, String password) {
        if (user == null || user.isBlank()) {
            db.update(AGENT)
                    .setNull(AGENT.UPSTREAM_USER)
                    .setNull(AGENT.UPSTREAM_SECRET)
                    .where(AGENT.ID.eq(id))
                    .execute();
            return "the target's login role";
        }
        String role = user.strip();
        if (!ROLE.matcher(role).matches()) {
            throw new IllegalArgumentException("an upstream role is a PostgreSQL role name of up to 63 characters");
        }
        if (password == null || password.isEmpty()) {
            throw new IllegalArgumentException("enter the password of " + role);
        }
        // A role of its own: a review that revokes this agent takes the role's login away, which
        // must not cut off the target's login role or another agent.
        var target = db.select(AGENT.TARGET_ID, TARGET.UPSTREAM_USER, TARGET.MANAGEMENT_USER)
                .from(AGENT)
                .join(TARGET)
                .on(TARGET.ID.eq(AGENT.TARGET_ID))
                .where(AGENT.ID.eq(id))
                .fetchOne();
        if (role.equals(target.value3())) {
            throw new IllegalArgumentException(
                    role + " is Vigil's own management login on the target; no agent may log in as it");
        }
        if (role.equals(target.value2())
                || db.fetchExists(
                        AGENT,
                        AGENT.TARGET_ID
                                .eq(target.value1())
                                .and(AGENT.UPSTREAM_USER.eq(role))
                                .and(AGENT.ID.ne(id)))) {
            throw new IllegalArgumentException(role + " is the target's login role or another agent's;"
                    + " leave the role empty to share the target's, or give this agent a role of its own");
        }
        db.update(AGENT)
                .set(AGENT.UPSTREAM_USER, role)
                .set(AGENT.UPSTREAM_SECRET, credentials.seal(password, JooqAgentDirectory.agentCredentialOwner(id)))
                .where(AGENT.ID.eq(id))
                .execute();
        return role;
    }

    private String requireAdmin() {
        Viewer v = viewer.get();
        if (!v.has(Role.ADMIN)) {
            throw new AccessDeniedException("only an administrator manages agents");
        }
        return v.name();
    }

    private Agent requireMayActOn(UUID id) {
        Agent agent = agent(id);
        if (!mayActOn(agent)) {
            throw new AccessDeniedException("only " + agent.name() + "'s owner or an administrator may change it");
        }
        return agent;
    }

    private static String checkName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(
                    "an agent's name starts with a lower-case letter, then up to 62 of a-z 0-9 _ . -");
        }
        return name;
    }

    private static String checkOwner(String owner) {
        if (owner == null
                || owner.isBlank()
                || owner.length() > MAX_OWNER
                || owner.strip().chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("an owner is the person's login name at the identity provider");
        }
        return owner.strip();
    }

    private static String checkPurpose(String purpose) {
        if (purpose == null
                || purpose.isBlank()
                || purpose.length() > MAX_PURPOSE
                || purpose.chars().anyMatch(c -> Character.isISOControl(c) && c != '\n' && c != '\t')) {
            throw new IllegalArgumentException("say what the agent is for, in up to " + MAX_PURPOSE + " characters");
        }
        return purpose.strip();
    }

    private static String checkReason(String reason) {
        if (reason == null
                || reason.isBlank()
                || reason.length() > 500
                || reason.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("give a reason, in up to 500 characters");
        }
        return reason.strip();
    }

    private OffsetDateTime now() {
        return OffsetDateTime.now(clock);
    }

    /** The agent's credentials that still work: not revoked, not expired. */
    private static final Condition LIVE_CREDENTIAL = AGENT_CREDENTIAL
            .AGENT_ID
            .eq(AGENT.ID)
            .and(AGENT_CREDENTIAL.REVOKED_AT.isNull())
            .and(AGENT_CREDENTIAL.EXPIRES_AT.isNull().or(AGENT_CREDENTIAL.EXPIRES_AT.gt(DSL.currentOffsetDateTime())));

    private static final Field<OffsetDateTime> SECRET_ISSUED = DSL.field(
                    DSL.select(DSL.max(AGENT_CREDENTIAL.CREATED_AT))
                            .from(AGENT_CREDENTIAL)
                            .where(LIVE_CREDENTIAL))
            .as("secret_issued");

    private static final Field<OffsetDateTime> SECRET_EXPIRES = DSL.field(DSL.select(AGENT_CREDENTIAL.EXPIRES_AT)
                    .from(AGENT_CREDENTIAL)
                    .where(LIVE_CREDENTIAL)
                    .orderBy(AGENT_CREDENTIAL.CREATED_AT.desc())
                    .limit(1))
            .as("secret_expires");

    private static final Field<OffsetDateTime> LAST_ACTIVITY = DSL.field(DSL.select(DSL.max(USAGE_AGENT_LAST.LAST_AT))
                    .from(USAGE_AGENT_LAST)
                    .where(USAGE_AGENT_LAST.AGENT_ID.eq(AGENT.ID)))
            .as("last_activity");

    private SelectOnConditionStep<? extends Record> select() {
        return db.select(
                        AGENT.ID,
                        AGENT.NAME,
                        AGENT.OWNER,
                        AGENT.PURPOSE,
                        AGENT.STATUS,
                        AGENT.TARGET_ID,
                        TARGET.NAME,
                        DSL.coalesce(AGENT.UPSTREAM_USER, TARGET.UPSTREAM_USER).as("upstream_role"),
                        AGENT.UPSTREAM_USER,
                        AGENT.IDENTITY,
                        AGENT.TAGS,
                        AGENT.CREATED_AT,
                        SECRET_ISSUED,
                        SECRET_EXPIRES,
                        LAST_ACTIVITY)
                .from(AGENT)
                .join(TARGET)
                .on(TARGET.ID.eq(AGENT.TARGET_ID));
    }

    private static Agent agent(Record r) {
        return new Agent(
                r.get(AGENT.ID),
                r.get(AGENT.NAME),
                r.get(AGENT.OWNER),
                r.get(AGENT.PURPOSE),
                r.get(AGENT.STATUS),
                r.get(AGENT.TARGET_ID),
                r.get(TARGET.NAME),
                r.get("upstream_role", String.class),
                r.get(AGENT.UPSTREAM_USER) != null,
                "oidc".equals(r.get(AGENT.IDENTITY)),
                Arrays.asList(r.get(AGENT.TAGS)),
                r.get(AGENT.CREATED_AT),
                r.get(SECRET_ISSUED),
                r.get(SECRET_EXPIRES),
                r.get(LAST_ACTIVITY));
    }
}
