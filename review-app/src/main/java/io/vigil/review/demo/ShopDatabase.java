package io.vigil.review.demo;

import io.vigil.db.EmbeddedDatabaseServer;
import io.vigil.db.LocalSecrets;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The demo target: an online shop's database with customers, orders and payments, including the
 * sensitive columns Vigil later masks (customers.email, customers.ssn, payments.card_number). Its
 * tables are owned by {@code shop_gateway}, the login agents without a role of their own share; Vigil
 * reads the catalog and remediates reviews as {@code vigil_manager}, a role no agent logs in as. Only
 * Vigil knows their passwords.
 *
 * @param port where the demo target's PostgreSQL listens
 * @param gatewayPassword the shared agents' upstream credential, to be sealed into Vigil's store
 * @param managementPassword Vigil's management login's, likewise
 * @param agentRoles the demo agents' own upstream roles and their passwords, to be sealed likewise
 */
record ShopDatabase(int port, String gatewayPassword, String managementPassword, Map<String, String> agentRoles) {

    static final String DATABASE = "shop";
    static final String GATEWAY_ROLE = "shop_gateway";
    static final String MANAGEMENT_ROLE = "vigil_manager";

    /** The demo agents' own roles; {@code agent-roles.sql} grants their privileges. */
    static final List<String> AGENT_ROLES = List.of("shop_support", "shop_billing", "shop_analytics");

    static ShopDatabase ensure(EmbeddedDatabaseServer postgres, Path dataDir) {
        String password = LocalSecrets.readOrCreate(dataDir.resolve("secrets/shop_gateway.password"), 24);
        String managementPassword =
                LocalSecrets.readOrCreate(dataDir.resolve("secrets/" + MANAGEMENT_ROLE + ".password"), 24);
        postgres.ensureDatabase(DATABASE, GATEWAY_ROLE, password);
        Map<String, String> agentRoles = new LinkedHashMap<>();
        for (String role : AGENT_ROLES) {
            agentRoles.put(role, LocalSecrets.readOrCreate(dataDir.resolve("secrets/" + role + ".password"), 24));
        }
        ensureRoles(postgres, agentRoles, managementPassword);
        try (Connection c =
                        postgres.dataSource(DATABASE, GATEWAY_ROLE, password).getConnection();
                Statement s = c.createStatement()) {
            boolean seeded;
            try (var rs = s.executeQuery("select to_regclass('public.customers') is not null")) {
                rs.next();
                seeded = rs.getBoolean(1);
            }
            if (!seeded) {
                s.execute(script("shop.sql"));
            }
            s.execute(script("agent-roles.sql"));
        } catch (SQLException e) {
            throw new IllegalStateException("cannot seed the demo database " + DATABASE, e);
        }
        return new ShopDatabase(postgres.port(), password, managementPassword, Map.copyOf(agentRoles));
    }

    /** Creates each login role (or resets its password); the passwords are the data directory's. */
    private static void ensureRoles(EmbeddedDatabaseServer postgres, Map<String, String> roles, String management) {
        try (Connection c = postgres.superuserDataSource(DATABASE).getConnection();
                Statement s = c.createStatement()) {
            for (var role : roles.entrySet()) {
                // Names are this class's constants; the password is generated base64url: both are safe
                // to quote as below.
                s.execute("do $$ begin if not exists (select 1 from pg_roles where rolname = '" + role.getKey()
                        + "') then create role " + role.getKey() + " login; end if; end $$");
                s.execute("alter role " + role.getKey() + " login password '" + role.getValue() + "'");
            }
            // Vigil's management login administers the agents' roles, so a review's revocation can take
            // an agent's login away (ALTER ROLE .. NOLOGIN) and Vigil can verify it, and may end the
            // revoked role's connections (pg_signal_backend; superusers' stay out of its reach). As a
            // member of the tables' owner it may revoke what the owner granted. No agent logs in as
            // it or is a member of it: the gateway refuses a role that is.
            s.execute("do $$ begin if not exists (select 1 from pg_roles where rolname = '" + MANAGEMENT_ROLE
                    + "') then create role " + MANAGEMENT_ROLE + " login; end if; end $$");
            s.execute("alter role " + MANAGEMENT_ROLE + " login createrole password '" + management + "'");
            s.execute("grant pg_signal_backend, " + GATEWAY_ROLE + " to " + MANAGEMENT_ROLE);
            // Earlier demos let the shared login do this itself: an agent sharing it could make a
            // login of its own and connect around the gateway.
            s.execute("alter role " + GATEWAY_ROLE + " nocreaterole");
            s.execute("revoke pg_signal_backend from " + GATEWAY_ROLE);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create the demo agents' roles", e);
        }
    }

    private static String script(String name) {
        try (InputStream in = ShopDatabase.class.getResourceAsStream("/demo/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
