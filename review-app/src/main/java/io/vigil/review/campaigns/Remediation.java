package io.vigil.review.campaigns;

import io.vigil.review.agents.AgentService;
import io.vigil.review.agents.TargetConnections;
import io.vigil.review.gateway.EmbeddedGateway;
import io.vigil.review.usage.Grant;
import io.vigil.review.usage.GrantService;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Applies a final decision and then checks that it took: access is gone when Vigil's own state says
 * so and the target's catalog agrees, not when a statement returned. A REVOKE by a role that is not
 * the grantor only warns, for one, and only the re-read catalog shows it did nothing.
 *
 * <pre>
 *   revoke:  Vigil: agent revoked ──▶ gateway ends its sessions, refuses logins
 *            target (its own role): ALTER ROLE .. NOLOGIN; REVOKE ALL on what it holds; end its backends
 *            verify: agent revoked, 0 live sessions; catalog: no LOGIN, no direct privilege or membership
 *   reduce:  target: the item's REVOKE statements, in one transaction
 *            verify: catalog: none of those privileges held directly any more
 * </pre>
 */
@Component
class Remediation {

    /**
     * What happened: verified, or failed with why.
     *
     * @param statements the statements the target accepted, in order (what the evidence pack shows)
     * @param detail what was done and seen either way
     */
    record Result(boolean verified, List<String> statements, String detail) {

        Result {
            statements = List.copyOf(statements);
        }
    }

    /** Statements that take every direct privilege and membership of a role, from the target's own catalog. */
    private static final String REVOKE_ALL = """
            select format('REVOKE ALL ON TABLE %I.%I FROM %I', n.nspname, c.relname, r.rolname)
            from pg_roles r
                     join pg_class c on c.relkind in ('r', 'p', 'v', 'm', 'f', 'S')
                     join pg_namespace n on n.oid = c.relnamespace
            where r.rolname = ?
              and (exists (select 1 from aclexplode(c.relacl) a where a.grantee = r.oid)
                or exists (select 1 from pg_attribute t, aclexplode(t.attacl) a
                           where t.attrelid = c.oid and a.grantee = r.oid))
            union all
            select format('REVOKE ALL ON SCHEMA %I FROM %I', n.nspname, r.rolname)
            from pg_roles r join pg_namespace n on exists (select 1 from aclexplode(n.nspacl) a where a.grantee = r.oid)
            where r.rolname = ?
            union all
            select format('REVOKE %I FROM %I', g.rolname, r.rolname)
            from pg_roles r join pg_auth_members m on m.member = r.oid join pg_roles g on g.oid = m.roleid
            where r.rolname = ?
            """;

    private final AgentService agents;
    private final GrantService grants;
    private final TargetConnections targets;
    private final EmbeddedGateway gateway;
    private final CampaignProperties settings;
    private final TransactionTemplate transaction;

    Remediation(
            AgentService agents,
            GrantService grants,
            TargetConnections targets,
            EmbeddedGateway gateway,
            CampaignProperties settings,
            TransactionTemplate transaction) {
        this.agents = agents;
        this.grants = grants;
        this.targets = targets;
        this.gateway = gateway;
        this.settings = settings;
        this.transaction = transaction;
    }

    /** The subject of a remediation: the item's agent as the campaign froze it. */
    record Subject(UUID agentId, UUID targetId, String agentName, String role, boolean ownRole) {}

    Result revoke(Subject s, String campaign, String decidedBy) {
        List<String> done = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        List<String> ran = new ArrayList<>();
        transaction.executeWithoutResult(tx -> agents.revokeByReview(s.agentId(), campaign, decidedBy));
        done.add("agent revoked in Vigil");
        if (s.ownRole()) {
            try (Connection target = targets.openForChanges(s.targetId())) {
                takeAccess(target, s.role(), done, problems, ran);
            } catch (SQLException | RuntimeException e) {
                problems.add("could not reach the target: " + e.getMessage());
            }
        } else {
            done.add("the target's shared role " + s.role() + " was left alone (other agents log in with it)");
        }
        verifySessionsEnded(s, done, problems);
        if (s.ownRole()) {
            verifyRoleClosed(s, done, problems);
        }
        return result(done, problems, ran);
    }

    Result reduce(Subject s, List<String> revokes) {
        List<String> done = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        if (!s.ownRole()) {
            problems.add("the privileges belong to the target's shared role " + s.role()
                    + "; revoking them would change other agents too, so reduce them by hand");
            return result(done, problems, List.of());
        }
        try (Connection target = targets.openForChanges(s.targetId())) {
            target.setAutoCommit(false);
            try (Statement st = target.createStatement()) {
                for (String revoke : revokes) {
                    st.execute(revoke);
                }
            }
            target.commit();
            done.add("ran " + revokes.size() + " statement" + (revokes.size() == 1 ? "" : "s") + ": "
                    + String.join("; ", revokes));
        } catch (SQLException | RuntimeException e) {
            problems.add("the target refused: " + e.getMessage());
            return result(done, problems, List.of());
        }
        try {
            List<Grant> now = grants.readAsVigil(s.agentId());
            for (String revoke : revokes) {
                for (Grant g : now) {
                    if (g.via().equals("direct") && RevokeCheck.covers(revoke, g)) {
                        problems.add("still holds " + g.privilege() + " on " + g.object());
                    }
                }
            }
            if (problems.isEmpty()) {
                done.add("the target's catalog shows none of those privileges");
            }
        } catch (RuntimeException e) {
            problems.add("could not read the target's catalog to verify: " + e.getMessage());
        }
        return result(done, problems, revokes);
    }

    /**
     * Takes the role's login, its direct privileges and memberships, and its direct connections,
     * step by step: a step the target refuses is said, and the others still run.
     */
    private static void takeAccess(
            Connection target, String role, List<String> done, List<String> problems, List<String> ran)
            throws SQLException {
        run(target, "ALTER ROLE " + Recommender.quote(role) + " NOLOGIN", done, problems, ran);
        List<String> revokes = new ArrayList<>();
        try (PreparedStatement q = target.prepareStatement(REVOKE_ALL)) {
            q.setString(1, role);
            q.setString(2, role);
            q.setString(3, role);
            try (ResultSet r = q.executeQuery()) {
                while (r.next()) {
                    revokes.add(r.getString(1));
                }
            }
        }
        for (String revoke : revokes) {
            run(target, revoke, done, problems, ran);
        }
        // Connections that bypass Vigil: ending them needs pg_signal_backend; say so if it fails.
        String terminate =
                "select count(*) filter (where pg_terminate_backend(pid)) from pg_stat_activity where usename = ?";
        try (PreparedStatement end = target.prepareStatement(terminate)) {
            end.setString(1, role);
            try (ResultSet r = end.executeQuery()) {
                r.next();
                done.add("ended " + r.getLong(1) + " direct connection(s) of " + role);
                ran.add(terminate.replace("?", Recommender.literal(role)));
            }
        } catch (SQLException e) {
            done.add("could not end direct connections of " + role + ": " + e.getMessage());
        }
    }

    private static void run(Connection target, String sql, List<String> done, List<String> problems, List<String> ran) {
        try (Statement st = target.createStatement()) {
            st.execute(sql);
            done.add(sql);
            ran.add(sql);
        } catch (SQLException e) {
            problems.add(sql + " was refused: " + e.getMessage());
        }
    }

    private void verifySessionsEnded(Subject s, List<String> done, List<String> problems) {
        long deadline = System.nanoTime() + settings.remediationWait().toNanos();
        int live = gateway.liveSessions(s.agentId());
        while (live > 0 && System.nanoTime() < deadline) {
            sleep();
            live = gateway.liveSessions(s.agentId());
        }
        if (live > 0) {
            problems.add(live + " session(s) still open in the gateway after " + settings.remediationWait());
        } else {
            done.add("no session open in the gateway");
        }
    }

    private void verifyRoleClosed(Subject s, List<String> done, List<String> problems) {
        try {
            List<Grant> now = grants.readAsVigil(s.agentId());
            List<String> left = new ArrayList<>();
            long owned = 0;
            for (Grant g : now) {
                if (g.kind().equals("attribute") && g.privilege().equals("LOGIN")) {
                    left.add("it can still log in");
                } else if (g.via().equals("owner")) {
                    owned++;
                } else if (g.via().equals("direct")) {
                    left.add(g.privilege() + " on " + g.object());
                }
            }
            if (left.isEmpty()) {
                done.add("the target's catalog shows " + s.role() + " without login and without direct privileges"
                        + (owned == 0 ? "" : " (it still owns objects: " + owned + " privilege(s) by ownership)"));
            } else {
                problems.add("the target's catalog still shows: " + String.join(", ", left));
            }
        } catch (RuntimeException e) {
            problems.add("could not read the target's catalog to verify: " + e.getMessage());
        }
    }

    private static Result result(List<String> done, List<String> problems, List<String> ran) {
        List<String> all = new ArrayList<>(done);
        all.addAll(problems);
        return new Result(problems.isEmpty(), ran, String.join("; ", all));
    }

    private static void sleep() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
