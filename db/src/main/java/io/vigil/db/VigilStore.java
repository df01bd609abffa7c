package io.vigil.db;

import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;

/** Entry points to Vigil's store: bring its schema up to date, and query it with jOOQ. */
public final class VigilStore {

    /** The schema all of Vigil's tables live in, so the store can share a database if it must. */
    public static final String SCHEMA = "vigil";

    private VigilStore() {}

    /** Applies every pending migration; also keeps the statement partitions ahead of time. */
    public static void migrate(DataSource dataSource) {
        Flyway.configure()
                .dataSource(dataSource)
                .schemas(SCHEMA)
                .locations("classpath:db/migration")
                .load()
                .migrate();
    }

    /**
     * A jOOQ context over the store. jOOQ's OSS dialect targets the newest PostgreSQL and logs one
     * "version mismatch" warning on PostgreSQL 15; Vigil's queries use nothing newer.
     */
    public static DSLContext dsl(DataSource dataSource) {
        return DSL.using(dataSource, SQLDialect.POSTGRES);
    }
}
