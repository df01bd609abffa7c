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

/**
 * The demo target: an online shop's database with customers, orders and payments, including the
 * sensitive columns Vigil later masks (customers.email, customers.ssn, payments.card_number). The
 * gateway logs in to it as {@code shop_gateway}, whose password only Vigil knows.
 *
 * @param port where the demo PostgreSQL listens
 * @param gatewayPassword the upstream credential, to be sealed into Vigil's store
 */
record ShopDatabase(int port, String gatewayPassword) {

    static final String DATABASE = "shop";
    static final String GATEWAY_ROLE = "shop_gateway";

    static ShopDatabase ensure(EmbeddedDatabaseServer postgres, Path dataDir) {
        String password = LocalSecrets.readOrCreate(dataDir.resolve("secrets/shop_gateway.password"), 24);
        postgres.ensureDatabase(DATABASE, GATEWAY_ROLE, password);
        try (Connection c =
                        postgres.dataSource(DATABASE, GATEWAY_ROLE, password).getConnection();
                Statement s = c.createStatement()) {
            boolean seeded;
            try (var rs = s.executeQuery("select to_regclass('public.customers') is not null")) {
                rs.next();
                seeded = rs.getBoolean(1);
            }
            if (!seeded) {
                s.execute(script());
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot seed the demo database " + DATABASE, e);
        }
        return new ShopDatabase(postgres.port(), password);
    }

    private static String script() {
        try (InputStream in = ShopDatabase.class.getResourceAsStream("/demo/shop.sql")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
