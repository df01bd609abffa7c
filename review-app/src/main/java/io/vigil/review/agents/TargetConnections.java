package io.vigil.review.agents;

import static io.vigil.db.jooq.Tables.TARGET;

import io.vigil.db.jooq.tables.records.TargetRecord;
import io.vigil.proxy.directory.JooqAgentDirectory;
import io.vigil.proxy.directory.RoleSafety;
import io.vigil.proxy.directory.SecretBox;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.UUID;
import org.jooq.DSLContext;
import org.postgresql.ds.PGSimpleDataSource;
import org.springframework.stereotype.Component;

/**
 * Opens JDBC connections to a target as Vigil's management login (never a role an agent logs in
 * as), with the TLS the target demands, for the web app's own reads (connection tests, catalog
 * privileges, role checks) and a review's remediation. The address is set field by field, never
 * spliced into a URL, so nothing an administrator enters can add connection options.
 */
@Component
public class TargetConnections {

    private static final int TIMEOUT_SECONDS = 5;

    private final DSLContext db;
    private final SecretBox credentials;

    TargetConnections(DSLContext db, SecretBox credentials) {
        this.db = db;
        this.credentials = credentials;
    }

    /**
     * A new connection to {@code targetId}; the caller closes it.
     *
     * @throws IllegalArgumentException if there is no such target
     */
    public Connection open(UUID targetId) throws SQLException {
        Connection connection = connect(targetId);
        connection.setReadOnly(true);
        return connection;
    }

    /**
     * A new connection to {@code targetId} that may change it (a review's remediation revokes
     * privileges with it); the caller closes it.
     */
    public Connection openForChanges(UUID targetId) throws SQLException {
        return connect(targetId);
    }

    private Connection connect(UUID targetId) throws SQLException {
        TargetRecord t = row(targetId);
        if (t.getManagementUser() == null) {
            throw new SQLException("target " + t.getName()
                    + " has no management login: an administrator sets one on the Targets page");
        }
        return connect(
                t,
                t.getManagementUser(),
                credentials.open(t.getManagementSecret(), JooqAgentDirectory.managementCredentialOwner(t.getId())));
    }

    /**
     * A new connection to {@code targetId} as the role agents without one of their own share, to test
     * that Vigil can log in as it; the caller closes it and runs nothing an agent would not.
     */
    public Connection openAsAgents(UUID targetId) throws SQLException {
        TargetRecord t = row(targetId);
        Connection connection = connect(
                t,
                t.getUpstreamUser(),
                credentials.open(t.getUpstreamSecret(), JooqAgentDirectory.credentialOwner(t.getId())));
        connection.setReadOnly(true);
        return connection;
    }

    /**
     * Why {@code role} may not be used by agents on {@code targetId} (see {@link RoleSafety}), the
     * empty string if it may.
     *
     * @throws SQLException if the target cannot be asked, or has no such role
     */
    public String roleProblem(UUID targetId, String role) throws SQLException {
        TargetRecord t = row(targetId);
        try (Connection c = open(targetId);
                var s = c.createStatement();
                var r = s.executeQuery(RoleSafety.query(RoleSafety.literal(role), t.getManagementUser()))) {
            if (!r.next()) {
                throw new SQLException("the target has no role " + role);
            }
            return r.getString(1);
        }
    }

    private TargetRecord row(UUID targetId) {
        return db.selectFrom(TARGET)
                .where(TARGET.ID.eq(targetId))
                .fetchOptional()
                .orElseThrow(() -> new IllegalArgumentException("no such target"));
    }

    private static Connection connect(TargetRecord t, String user, String password) throws SQLException {
        PGSimpleDataSource source = new PGSimpleDataSource();
        source.setServerNames(new String[] {t.getHost()});
        source.setPortNumbers(new int[] {t.getPort()});
        source.setDatabaseName(t.getDatabaseName());
        source.setUser(user);
        source.setPassword(password);
        source.setSslMode(t.getTlsMode());
        if (t.getTlsMode().equals("verify-full")) {
            // The JVM's trusted CAs, as the gateway's own upstream TLS uses.
            source.setSslfactory("org.postgresql.ssl.DefaultJavaSSLFactory");
        }
        source.setConnectTimeout(TIMEOUT_SECONDS);
        source.setLoginTimeout(TIMEOUT_SECONDS);
        source.setSocketTimeout(30);
        source.setApplicationName("vigil-review");
        return source.getConnection();
    }
}
