package io.vigil.review.demo;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.vigil.db.EmbeddedDatabaseServer;
import io.vigil.db.LocalSecrets;
import io.vigil.review.VigilProperties;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The demo's two PostgreSQL servers: one holds Vigil's store (database {@code vigil}), the other
 * the target the demo agents use (database {@code shop}). Apart, as in production: no role of the
 * target exists where the trail is kept, so nothing an agent may do there reaches the trail. The
 * store listens on a fixed port (saved {@code audit verify} commands keep working). Spring stops
 * them after everything that uses them.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnBooleanProperty("vigil.demo")
class DemoDatabaseConfiguration {

    static final String STORE_DATABASE = "vigil";
    static final String STORE_ROLE = "vigil";

    @Bean(destroyMethod = "close")
    @Qualifier("store")
    EmbeddedDatabaseServer demoStore(VigilProperties properties, @Value("${vigil.demo-store-port:6433}") int port) {
        EmbeddedDatabaseServer server =
                EmbeddedDatabaseServer.start(properties.dataDir().resolve("store"), port);
        server.ensureDatabase(STORE_DATABASE, STORE_ROLE, storePassword(properties));
        try (Connection c = server.superuserDataSource("postgres").getConnection();
                Statement s = c.createStatement()) {
            // Only Vigil's role may connect to its store; no other role is ever created here.
            s.execute("revoke connect, temporary on database " + STORE_DATABASE + " from public");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot restrict the store's database", e);
        }
        return server;
    }

    @Bean(destroyMethod = "close")
    @Qualifier("target")
    EmbeddedDatabaseServer demoTarget(VigilProperties properties, @Value("${vigil.demo-target-port:6434}") int port) {
        return EmbeddedDatabaseServer.start(properties.dataDir().resolve("target"), port);
    }

    @Bean(destroyMethod = "close")
    DataSource dataSource(@Qualifier("store") EmbeddedDatabaseServer demoStore, VigilProperties properties) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(demoStore.jdbcUrl(STORE_DATABASE));
        config.setUsername(STORE_ROLE);
        config.setPassword(storePassword(properties));
        config.setPoolName("vigil-store");
        config.setMaximumPoolSize(8);
        // A store that is down must not hold a page (or a login) for the pool's default 30 s.
        config.setConnectionTimeout(5_000);
        return new HikariDataSource(config);
    }

    @Bean
    ShopDatabase shopDatabase(@Qualifier("target") EmbeddedDatabaseServer demoTarget, VigilProperties properties) {
        return ShopDatabase.ensure(demoTarget, properties.dataDir());
    }

    private static String storePassword(VigilProperties properties) {
        return LocalSecrets.readOrCreate(properties.dataDir().resolve("secrets/store.password"), 24);
    }
}
