package io.vigil.review.agents;

import static io.vigil.db.jooq.Tables.AGENT;
import static io.vigil.db.jooq.Tables.TARGET;

import io.vigil.db.jooq.tables.records.TargetRecord;
import io.vigil.proxy.directory.JooqAgentDirectory;
import io.vigil.proxy.directory.SecretBox;
import io.vigil.review.gateway.AuditTrail;
import io.vigil.review.security.CurrentViewer;
import io.vigil.review.security.Role;
import io.vigil.review.security.Viewer;
import io.vigil.review.store.StoreMigration;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jooq.DSLContext;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The databases Vigil fronts. Every signed-in person may list them (never their credentials); only
 * administrators add, edit and test them, and every change is a trail record. A credential is
 * entered once and sealed at rest; nothing reads it back out to a person.
 */
@Service
public class TargetService {

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_-]{0,62}");
    private static final Set<String> TLS_MODES = Set.of("disable", "require", "verify-full");
    private static final Set<String> PARAMETER_MODES = Set.of("store", "hash");

    private final DSLContext db;
    private final CurrentViewer viewer;
    private final SecretBox credentials;
    private final TargetConnections connections;
    private final AuditTrail trail;
    private final Clock clock;

    TargetService(
            DSLContext db,
            CurrentViewer viewer,
            SecretBox credentials,
            TargetConnections connections,
            AuditTrail trail,
            Clock clock,
            StoreMigration migrated) {
        this.db = db;
        this.viewer = viewer;
        this.credentials = credentials;
        this.connections = connections;
        this.trail = trail;
        this.clock = clock;
    }

    /** Every target, for anyone holding a Vigil role. */
    public List<Target> targets() {
        if (!viewer.get().hasAnyRole()) {
            throw new AccessDeniedException("no Vigil role");
        }
        return db.selectFrom(TARGET).orderBy(TARGET.NAME).fetch(TargetService::target);
    }

    public boolean mayManage() {
        return viewer.get().has(Role.ADMIN);
    }

    @Transactional
    public UUID add(TargetSettings settings) {
        String actor = requireAdmin();
        check(settings);
        if (settings.password() == null || settings.password().isEmpty()) {
            throw new IllegalArgumentException("enter the login role's password");
        }
        if (settings.managementPassword() == null
                || settings.managementPassword().isEmpty()) {
            throw new IllegalArgumentException("enter the management login's password");
        }
        if (db.fetchExists(TARGET, TARGET.NAME.eq(settings.name()))) {
            throw new IllegalArgumentException("a target named " + settings.name() + " exists already");
        }
        UUID id = UUID.randomUUID();
        TargetRecord row = db.newRecord(TARGET);
        row.setId(id);
        row.setCreatedAt(OffsetDateTime.now(clock));
        apply(row, settings);
        row.insert();
        trail.record(actor, "target.add", "target", id, settings.name(), describe(target(row)));
        return id;
    }

    @Transactional
    public void edit(UUID id, TargetSettings settings) {
        String actor = requireAdmin();
        check(settings);
        TargetRecord row = db.selectFrom(TARGET)
                .where(TARGET.ID.eq(id))
                .fetchOptional()
                .orElseThrow(() -> new IllegalArgumentException("no such target"));
        if (!row.getName().equals(settings.name()) && db.fetchExists(TARGET, TARGET.NAME.eq(settings.name()))) {
            throw new IllegalArgumentException("a target named " + settings.name() + " exists already");
        }
        boolean newCredential =
                settings.password() != null && !settings.password().isEmpty();
        if (!newCredential && movesCredential(row, settings)) {
            // Kept, the stored password would be sent to wherever the target now points.
            throw new IllegalArgumentException(
                    "a new host, port, database, login role or TLS mode needs the login role's password again");
        }
        boolean newManagement = settings.managementPassword() != null
                && !settings.managementPassword().isEmpty();
        if (!newManagement && (row.getManagementSecret() == null || movesManagement(row, settings))) {
            throw new IllegalArgumentException(
                    "a new host, port, database, management login or TLS mode needs the management login's"
                            + " password again");
        }
        String ownRole = db.select(AGENT.NAME)
                .from(AGENT)
                .where(AGENT.TARGET_ID.eq(id))
                .and(AGENT.UPSTREAM_USER.eq(settings.managementUser().strip()))
                .limit(1)
                .fetchOne(AGENT.NAME);
        if (ownRole != null) {
            throw new IllegalArgumentException("agent " + ownRole + " logs in as "
                    + settings.managementUser().strip()
                    + ": Vigil's management login must be a role no agent logs in as");
        }
        String before = describe(target(row));
        apply(row, settings);
        row.update();
        trail.record(
                actor,
                "target.edit",
                "target",
                id,
                settings.name(),
                before + " -> " + describe(target(row)) + (newCredential ? "; new credential" : "")
                        + (newManagement ? "; new management credential" : ""));
    }

    /**
     * Why agents may not log in to {@code targetId} as {@code role}, read from the target's catalog
     * through Vigil's management login: empty if they may, else the reasons, or why it could not be
     * read. For anyone who may see the target.
     */
    public String roleProblem(UUID targetId, String role) {
        if (!viewer.get().hasAnyRole()) {
            throw new AccessDeniedException("no Vigil role");
        }
        try {
            String reasons = connections.roleProblem(targetId, role);
            return reasons.isEmpty() ? "" : "refused at login: it has " + reasons;
        } catch (SQLException e) {
            return "not checked: " + Objects.toString(e.getMessage(), e.toString());
        }
    }

    /**
     * Logs in to the target both ways Vigil does (as its management login, and as the role agents
     * share), checks that role may be used by agents, and says what it found.
     */
    public ConnectionCheck test(UUID id) {
        requireAdmin();
        String management;
        try (Connection c = connections.open(id)) {
            management = "management login: " + loggedIn(c);
        } catch (SQLException e) {
            return new ConnectionCheck(
                    false, "management login failed: " + Objects.toString(e.getMessage(), e.toString()));
        }
        String agents;
        try (Connection c = connections.openAsAgents(id)) {
            agents = "agents' login: " + loggedIn(c);
        } catch (SQLException e) {
            return new ConnectionCheck(
                    false, management + "; agents' login failed: " + Objects.toString(e.getMessage(), e.toString()));
        }
        String loginUser = db.select(TARGET.UPSTREAM_USER)
                .from(TARGET)
                .where(TARGET.ID.eq(id))
                .fetchOne(TARGET.UPSTREAM_USER);
        String problem = roleProblem(id, loginUser);
        return new ConnectionCheck(
                problem.isEmpty(),
                management + "; " + agents + (problem.isEmpty() ? "" : "; " + loginUser + " " + problem));
    }

    private static String loggedIn(Connection c) throws SQLException {
        try (ResultSet r = c.createStatement()
                .executeQuery("select current_user, current_setting('server_version'), "
                        + "coalesce((select ssl from pg_stat_ssl where pid = pg_backend_pid()), false)")) {
            r.next();
            return "logged in as " + r.getString(1) + " to PostgreSQL " + r.getString(2)
                    + (r.getBoolean(3) ? " over TLS" : " without TLS");
        }
    }

    private static boolean movesCredential(TargetRecord row, TargetSettings s) {
        return !row.getHost().equals(s.host().strip())
                || row.getPort() != s.port()
                || !row.getDatabaseName().equals(s.database().strip())
                || !row.getUpstreamUser().equals(s.loginUser().strip())
                || !row.getTlsMode().equals(s.tlsMode());
    }

    private static boolean movesManagement(TargetRecord row, TargetSettings s) {
        return !row.getHost().equals(s.host().strip())
                || row.getPort() != s.port()
                || !row.getDatabaseName().equals(s.database().strip())
                || !s.managementUser().strip().equals(row.getManagementUser())
                || !row.getTlsMode().equals(s.tlsMode());
    }

    private void apply(TargetRecord row, TargetSettings s) {
        row.setName(s.name());
        row.setHost(s.host().strip());
        row.setPort(s.port());
        row.setDatabaseName(s.database().strip());
        row.setTlsMode(s.tlsMode());
        row.setUpstreamUser(s.loginUser().strip());
        row.setParameterMode(s.parameterMode());
        row.setDescription(s.description() == null ? "" : s.description().strip());
        if (s.password() != null && !s.password().isEmpty()) {
            row.setUpstreamSecret(credentials.seal(s.password(), JooqAgentDirectory.credentialOwner(row.getId())));
        }
        row.setManagementUser(s.managementUser().strip());
        if (s.managementPassword() != null && !s.managementPassword().isEmpty()) {
            row.setManagementSecret(credentials.seal(
                    s.managementPassword(), JooqAgentDirectory.managementCredentialOwner(row.getId())));
        }
    }

    private static void check(TargetSettings s) {
        List<String> problems = new ArrayList<>();
        if (s.name() == null || !NAME.matcher(s.name()).matches()) {
            problems.add("a name starts with a lower-case letter, then up to 62 of a-z 0-9 _ -");
        }
        if (blank(s.host()) || s.host().strip().chars().anyMatch(ch -> ch <= ' ' || ch == '/' || ch == '?')) {
            problems.add("enter a host name or address");
        }
        if (s.port() < 1 || s.port() > 65535) {
            problems.add("a port is 1 to 65535");
        }
        if (blank(s.database())
                || s.database().length() > 63
                || s.database().chars().anyMatch(Character::isISOControl)) {
            problems.add("enter the database name");
        }
        if (blank(s.loginUser())
                || s.loginUser().length() > 63
                || s.loginUser().chars().anyMatch(Character::isISOControl)) {
            problems.add("enter the role Vigil logs in as");
        }
        if (blank(s.managementUser())
                || s.managementUser().length() > 63
                || s.managementUser().chars().anyMatch(Character::isISOControl)) {
            problems.add("enter Vigil's management login");
        } else if (!blank(s.loginUser())
                && s.managementUser().strip().equals(s.loginUser().strip())) {
            problems.add("Vigil's management login must be a role no agent logs in as, not the agents' login role");
        }
        if (s.tlsMode() == null || !TLS_MODES.contains(s.tlsMode())) {
            problems.add("TLS is disable, require or verify-full");
        }
        if (s.parameterMode() == null || !PARAMETER_MODES.contains(s.parameterMode())) {
            problems.add("parameters are stored or hashed");
        }
        if (s.description() != null
                && (s.description().length() > 1000 || s.description().chars().anyMatch(Character::isISOControl))) {
            problems.add("a description has up to 1000 characters");
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    private String requireAdmin() {
        Viewer v = viewer.get();
        if (!v.has(Role.ADMIN)) {
            throw new AccessDeniedException("only an administrator manages targets");
        }
        return v.name();
    }

    /** What the trail says of a target: where it is and how Vigil reaches it, never its credential. */
    private static String describe(Target t) {
        return t.loginUser() + "@" + t.host() + ":" + t.port() + "/" + t.database() + " tls " + t.tlsMode()
                + ", parameters " + t.parameterMode() + ", managed as " + t.managementUser();
    }

    private static Target target(TargetRecord r) {
        return new Target(
                r.getId(),
                r.getName(),
                r.getHost(),
                r.getPort(),
                r.getDatabaseName(),
                r.getTlsMode(),
                r.getUpstreamUser(),
                r.getManagementUser(),
                r.getParameterMode(),
                r.getDescription(),
                r.getCreatedAt());
    }
}
