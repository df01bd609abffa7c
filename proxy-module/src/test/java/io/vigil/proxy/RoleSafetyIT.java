package io.vigil.proxy;

import static io.vigil.db.jooq.Tables.LOGIN_REFUSAL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * An agent may not log in to its target as a role that could step around Vigil: create a login,
 * read the server's files, signal backends, or act as Vigil's management login. The target checks
 * its own catalog, on the agent's own connection; the agent gets 28000 and the trail the reason.
 */
class RoleSafetyIT {

    private static final String PASSWORD = "role-password";

    @TempDir
    static Path dir;

    static TestEnvironment env;

    @BeforeAll
    static void start() throws SQLException {
        env = new TestEnvironment(dir.resolve("pg"));
        env.managementRole("vigil_manager");
        superuser(
                "create role vigil_manager login createrole",
                "create role plain_owner login password '" + PASSWORD + "'",
                "grant create on schema public to plain_owner",
                "create role with_createrole login createrole password '" + PASSWORD + "'",
                "create role with_superuser login superuser password '" + PASSWORD + "'",
                "create role with_bypassrls login bypassrls password '" + PASSWORD + "'",
                "create role with_replication login replication password '" + PASSWORD + "'",
                "create role signallers",
                "grant pg_signal_backend to signallers",
                "create role via_group login password '" + PASSWORD + "' in role signallers",
                "create role file_reader login password '" + PASSWORD + "' in role pg_read_server_files",
                "create role team",
                "create role team_admin login password '" + PASSWORD + "'",
                "grant team to team_admin with admin option",
                "create role in_management login password '" + PASSWORD + "' in role vigil_manager",
                "create role other_lexing login password '" + PASSWORD + "'",
                "alter role other_lexing set standard_conforming_strings = off");
    }

    @AfterAll
    static void stop() {
        env.close();
    }

    @Test
    void aRoleThatOnlyOwnsTablesMayBeUsed() throws Exception {
        env.agentWithRole("owner-bot", "s3cret-owner", "plain_owner", PASSWORD);
        try (Connection c = env.connect("owner-bot", "s3cret-owner");
                Statement s = c.createStatement()) {
            s.execute("create table owned (id int)");
            s.execute("drop table owned");
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            with_createrole  | CREATEROLE
            with_superuser   | SUPERUSER
            with_bypassrls   | BYPASSRLS
            with_replication | REPLICATION
            via_group        | member of pg_signal_backend
            file_reader      | member of pg_read_server_files
            team_admin       | ADMIN OPTION on team
            in_management    | member of vigil_manager
            other_lexing     | standard_conforming_strings = off
            """)
    void aRoleThatReachesPastVigilIsRefused(String role, String reason) throws Exception {
        String agent = "bot-" + role.replace('_', '-');
        UUID id = env.agentWithRole(agent, "s3cret-" + role, role, PASSWORD);
        SQLException refused = catchThrowableOfType(SQLException.class, () -> env.connect(agent, "s3cret-" + role));
        assertThat(refused.getSQLState()).isEqualTo("28000");
        assertThat(refused.getMessage()).contains("as role \"" + role + "\"");
        // pgjdbc may try twice (with and without TLS): each attempt is a refusal of its own.
        var recorded = TestEnvironment.await(
                () -> env.store
                        .select(LOGIN_REFUSAL.REASON)
                        .from(LOGIN_REFUSAL)
                        .where(LOGIN_REFUSAL.AGENT_ID.eq(id))
                        .fetch(LOGIN_REFUSAL.REASON),
                reasons -> !reasons.isEmpty());
        assertThat(recorded)
                .allSatisfy(r -> assertThat(r).contains("role \"" + role + "\"").contains(reason));
    }

    private static void superuser(String... statements) throws SQLException {
        try (Connection c = env.postgres.superuserDataSource("shop").getConnection();
                Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        }
    }
}
