package io.vigil.review.demo;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.vigil.db.EmbeddedDatabaseServer;
import io.vigil.db.LocalSecrets;
import io.vigil.review.VigilProperties;
import java.nio.file.Path;
import javax.sql.DataSource;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The demo's one PostgreSQL: it holds Vigil's store (database {@code vigil}) and the target the demo
 * agents use (database {@code shop}). Spring stops it after everything that uses it.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnBooleanProperty("vigil.demo")
class DemoDatabaseConfiguration {

    static final String STORE_DATABASE = "vigil";
    static final String STORE_ROLE = "vigil";

    @Bean(destroyMethod = "close")
    EmbeddedDatabaseServer demoPostgres(VigilProperties properties) {
        Path dir = properties.dataDir().resolve("postgres");
        EmbeddedDatabaseServer server = EmbeddedDatabaseServer.start(dir, 0);
        server.ensureDatabase(STORE_DATABASE, STORE_ROLE, storePassword(properties));
        return server;
    }

    @Bean(destroyMethod = "close")
    DataSource dataSource(EmbeddedDatabaseServer demoPostgres, VigilProperties properties) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(demoPostgres.jdbcUrl(STORE_DATABASE));
        config.setUsername(STORE_ROLE);
        config.setPassword(storePassword(properties));
        config.setPoolName("vigil-store");
        config.setMaximumPoolSize(8);
        return new HikariDataSource(config);
    }

    @Bean
    ShopDatabase shopDatabase(EmbeddedDatabaseServer demoPostgres, VigilProperties properties) {
        return ShopDatabase.ensure(demoPostgres, properties.dataDir());
    }

    private static String storePassword(VigilProperties properties) {
        return LocalSecrets.readOrCreate(properties.dataDir().resolve("secrets/store.password"), 24);
    }
}
