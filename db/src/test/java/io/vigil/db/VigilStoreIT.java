package io.vigil.db;

import static io.vigil.db.jooq.Tables.AGENT;
import static io.vigil.db.jooq.Tables.SESSION;
import static io.vigil.db.jooq.Tables.STATEMENT;
import static io.vigil.db.jooq.Tables.TARGET;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import org.jooq.DSLContext;
import org.jooq.exception.DataAccessException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VigilStoreIT {

    @TempDir
    static Path dir;

    static EmbeddedDatabaseServer server;
    static DSLContext db;

    @BeforeAll
    static void start() {
        server = EmbeddedDatabaseServer.start(dir, 0);
        server.ensureDatabase("vigil", "vigil", "store-secret");
        var ds = server.dataSource("vigil", "vigil", "store-secret");
        VigilStore.migrate(ds);
        VigilStore.migrate(ds); // idempotent: a second start must not fail
        db = VigilStore.dsl(ds);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void theServerRefusesConnectionsWithoutThePassword() {
        var wrong = server.dataSource("vigil", "vigil", "not-the-secret");
        assertThatThrownBy(() -> wrong.getConnection().close())
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("password authentication failed");
    }

    @Test
    void statementsOfThisMonthLandInTheirOwnPartition() {
        UUID session = newSession();
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        db.insertInto(STATEMENT)
                .set(STATEMENT.SESSION_ID, session)
                .set(STATEMENT.SEQ, 1L)
                .set(STATEMENT.STARTED_AT, now)
                .set(STATEMENT.SQL_TEXT, "select 1")
                .set(STATEMENT.PROTOCOL, "simple")
                .execute();
        String partition = db.fetchValue(
                        "select tableoid::regclass::text from vigil.statement where session_id = ?", session)
                .toString();
        assertThat(partition).endsWith("statement_" + now.getYear() + "_" + "%02d".formatted(now.getMonthValue()));
    }

    @Test
    void statementsOutsideThePartitionsLandInTheDefaultOne() {
        UUID session = newSession();
        db.insertInto(STATEMENT)
                .set(STATEMENT.SESSION_ID, session)
                .set(STATEMENT.SEQ, 1L)
                .set(STATEMENT.STARTED_AT, OffsetDateTime.now(ZoneOffset.UTC).minus(400, ChronoUnit.DAYS))
                .set(STATEMENT.SQL_TEXT, "select 1")
                .set(STATEMENT.PROTOCOL, "simple")
                .execute();
        assertThat(db.fetchValue("select tableoid::regclass::text from vigil.statement where session_id = ?", session)
                        .toString())
                .endsWith("statement_default");
    }

    @Test
    void aVerifierMustBeInPostgresScramFormat() {
        UUID agent = newAgent();
        assertThatThrownBy(() -> db.execute(
                        "insert into vigil.agent_credential (id, agent_id, scram_verifier) values (?, ?, ?)",
                        UUID.randomUUID(),
                        agent,
                        "plaintext-secret"))
                .isInstanceOf(DataAccessException.class)
                .hasMessageContaining("agent_credential_scram_verifier_check");
    }

    private UUID newSession() {
        UUID agent = newAgent();
        UUID session = UUID.randomUUID();
        db.insertInto(SESSION)
                .set(SESSION.ID, session)
                .set(SESSION.AGENT_ID, agent)
                .set(SESSION.TARGET_ID, db.select(AGENT.TARGET_ID).from(AGENT).where(AGENT.ID.eq(agent)))
                .set(SESSION.CLIENT_ADDR, "127.0.0.1")
                .set(SESSION.STARTED_AT, OffsetDateTime.now(ZoneOffset.UTC))
                .execute();
        return session;
    }

    private UUID newAgent() {
        UUID target = UUID.randomUUID();
        db.insertInto(TARGET)
                .set(TARGET.ID, target)
                .set(TARGET.NAME, "t" + target.toString().substring(0, 8))
                .set(TARGET.HOST, "127.0.0.1")
                .set(TARGET.PORT, 5432)
                .set(TARGET.DATABASE_NAME, "shop")
                .set(TARGET.UPSTREAM_USER, "shop_gateway")
                .set(TARGET.UPSTREAM_SECRET, new byte[] {1, 2, 3})
                .execute();
        UUID agent = UUID.randomUUID();
        db.insertInto(AGENT)
                .set(AGENT.ID, agent)
                .set(AGENT.NAME, "a" + agent.toString().substring(0, 8))
                .set(AGENT.OWNER, "owner")
                .set(AGENT.PURPOSE, "test")
                .set(AGENT.TARGET_ID, target)
                .execute();
        return agent;
    }
}
