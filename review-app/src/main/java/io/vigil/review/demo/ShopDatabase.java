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
 * sensitive columns Vigil later masks (customers.email, customers.ssn, payments.card_number). The
 * gateway logs in to it as {@code shop_gateway}, whose password only Vigil knows.
 *
 * @param port where the demo PostgreSQL listens
 * @param gatewayPassword the upstream credential, to be sealed into Vigil's store
 * @param agentRoles the demo agents' own upstream roles and their passwords, to be sealed likewise
 */
record ShopDatabase(int port, String gatewayPassword, Map<String, String> agentRoles) {

    static final String DATABASE = "shop";
    static final String GATEWAY_ROLE = "shop_gateway";

    /** The demo agents' own roles; {@code agent-roles.sql} grants their privileges. */
    static final List<String> AGENT_ROLES = List.of("shop_support", "shop_billing", "shop_analytics");

    static ShopDatabase ensure(EmbeddedDatabaseServer postgres, Path dataDir) {
        String password = LocalSecrets.readOrCreate(dataDir.resolve("secrets/shop_gateway.password"), 24);
        postgres.ensureDatabase(DATABASE, GATEWAY_ROLE, password);
        Map<String, String> agentRoles = new LinkedHashMap<>();
        for (String role : AGENT_ROLES) {
            agentRoles.put(role, LocalSecrets.readOrCreate(dataDir.resolve("secrets/" + role + ".password"), 24));
        }
        ensureRoles(postgres, agentRoles);
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
        return new ShopDatabase(postgres.port(), password, Map.copyOf(agentRoles));
    }

    /** Creates each login role (or resets its password); the passwords are the data directory's. */
    private static void ensureRoles(EmbeddedDatabaseServer postgres, Map<String, String> roles) {
        try (Connection c = postgres.superuserDataSource(DATABASE).getConnection();
                Statement s = c.createStatement()) {
            for (var role : roles.entrySet()) {
                // Names are this class's constants; the password is generated base64url: both are safe
                // to quote as below.
                s.execute("do $$ begin if not exists (select 1 from pg_roles where rolname = '" + role.getKey()
                        + "') then create role " + role.getKey() + " login; end if; end $$");
                s.execute("alter role " + role.getKey() + " login password '" + role.getValue() + "'");
            }
            // The target's login role administers the agents' roles, so a review's revocation can take
            // an agent's login away (ALTER ROLE .. NOLOGIN) and Vigil can verify it, and may end the
            // revoked role's connections (pg_signal_backend; superusers' stay out of its reach).
            s.execute("alter role " + GATEWAY_ROLE + " createrole");
            s.execute("grant pg_signal_backend to " + GATEWAY_ROLE);
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
