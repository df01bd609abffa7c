package io.vigil.review.store;

import io.vigil.db.VigilStore;
import javax.sql.DataSource;
import org.springframework.stereotype.Component;

/**
 * Brings the store's schema up to date when the app starts. Whatever reads or writes the store
 * depends on this bean, so nothing touches it before its migrations ran.
 */
@Component
public class StoreMigration {

    public StoreMigration(DataSource dataSource) {
        VigilStore.migrate(dataSource);
    }
}
