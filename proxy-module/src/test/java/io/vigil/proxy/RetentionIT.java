package io.vigil.proxy;

import static io.vigil.db.jooq.Tables.SESSION_VIEW;
import static io.vigil.db.jooq.Tables.STATEMENT;
import static io.vigil.db.jooq.Tables.STATEMENT_OUTCOME;
import static io.vigil.db.jooq.Tables.TRAIL_CHECKPOINT;
import static io.vigil.db.jooq.Tables.TRAIL_CURSOR;
import static io.vigil.db.jooq.Tables.TRAIL_PRUNED;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Retention drops whole months of statements; what is left still proves itself. The store's own
 * {@code prune_statements} is run with a cut a month ahead, so this month's partition goes.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RetentionIT {

    @TempDir
    static Path dir;

    static TestEnvironment env;
    static AuditCli cli;
    static UUID session;

    @BeforeAll
    static void recordTraffic() throws Exception {
        env = new TestEnvironment(dir.resolve("pg"), null);
        env.agent("retained", "owner", "s3cret-retained");
        cli = new AuditCli(env, dir.resolve("trail.pub"));
        session = run("before-retention");
        TestEnvironment.await(RetentionIT::unsignedLeaves, n -> n == 0);
    }

    @AfterAll
    static void stop() {
        env.close();
    }

    @Test
    @Order(1)
    void droppingAMonthKeepsEveryOtherRecordProvable() throws Exception {
        assertThat(env.store.fetchCount(STATEMENT, STATEMENT.SESSION_ID.eq(session)))
                .isPositive();

        int dropped =
                ((Number) env.store.fetchValue("select prune_statements(now() + interval '2 months')")).intValue();
        // Keep partitions ahead for what comes next, as every start of Vigil does.
        env.store.execute("select ensure_statement_partitions(2)");

        assertThat(dropped).isGreaterThanOrEqualTo(1);
        assertThat(env.store.fetchCount(STATEMENT, STATEMENT.SESSION_ID.eq(session)))
                .isZero();
        assertThat(env.store.fetchCount(STATEMENT_OUTCOME, STATEMENT_OUTCOME.SESSION_ID.eq(session)))
                .isZero();
        assertThat(env.store.fetchCount(TRAIL_PRUNED, TRAIL_PRUNED.SESSION_ID.eq(session)))
                .as("a start and a completion per statement")
                .isEqualTo(2 * 4);
        // The session itself is kept: who connected, when, and how it ended.
        assertThat(env.store.fetchCount(SESSION_VIEW, SESSION_VIEW.ID.eq(session)))
                .isOne();

        AuditCli.Verification live = cli.verify();
        assertThat(live.status()).as(live.out()).isZero();
        assertThat(live.out()).contains("8 of them removed by retention").contains("verdict: intact");

        Path export = dir.resolve("after-retention.jsonl");
        assertThat(cli.run(
                                "export",
                                "--store",
                                cli.storeUrl(),
                                "--user",
                                TestEnvironment.STORE_USER,
                                "--out",
                                export.toString())
                        .status())
                .isZero();
        AuditCli.Verification exported =
                cli.run("verify", "--public-key", cli.publicKey().toString(), "--export", export.toString());
        assertThat(exported.status()).as(exported.out()).isZero();
        assertThat(exported.out()).contains("8 of them removed by retention");
    }

    @Test
    @Order(2)
    void trafficAfterRetentionIsRecordedAndADeletionDressedUpAsRetentionIsCaught() throws Exception {
        UUID later = run("after-retention");
        TestEnvironment.await(RetentionIT::unsignedLeaves, n -> n == 0);
        assertThat(cli.verify().out()).contains("verdict: intact");

        // An insider deletes a recent statement and files it as pruned by an old cut.
        String where = " where session_id = '" + later + "' and seq = 2";
        cli.asInsider(
                "insert into vigil.trail_pruned select s.spool_id, st.start_leaf, st.session_id, st.start_index,"
                        + " st.start_hash, '2020-01-01', now() from vigil.statement st join vigil.session s"
                        + " on s.id = st.session_id where st.session_id = '" + later + "' and st.seq = 2",
                "insert into vigil.trail_pruned select s.spool_id, st.end_leaf, st.session_id, st.end_index,"
                        + " st.end_hash, '2020-01-01', now() from vigil.statement st join vigil.session s"
                        + " on s.id = st.session_id where st.session_id = '" + later + "' and st.seq = 2",
                "delete from vigil.statement" + where);
        AuditCli.Verification v = cli.verify();
        assertThat(v.status()).isEqualTo(1);
        assertThat(v.out())
                .contains("TAMPERED session " + later + " record 3 (removed by retention")
                .contains("claimed removed by retention as older than 2020-01-01T00:00:00Z")
                .contains("deleted, not pruned");
    }

    /** Four statements, each started and completed: 8 records besides the opening and the close. */
    private static UUID run(String application) throws Exception {
        try (Connection c = env.connect(
                        "retained", "s3cret-retained", "ApplicationName", application, "assumeMinServerVersion", "15");
                Statement s = c.createStatement()) {
            s.execute("create table if not exists kept (id int, note text)");
            try (PreparedStatement p = c.prepareStatement("insert into kept values (?, ?)")) {
                p.setInt(1, 1);
                p.setString(2, "old news");
                p.execute();
            }
            s.execute("select count(*) from kept");
            s.execute("delete from kept");
        }
        return TestEnvironment.await(
                () -> env.store
                        .select(SESSION_VIEW.ID)
                        .from(SESSION_VIEW)
                        .where(SESSION_VIEW.APPLICATION_NAME.eq(application))
                        .and(SESSION_VIEW.ENDED_AT.isNotNull())
                        .fetchOne(SESSION_VIEW.ID),
                java.util.Objects::nonNull);
    }

    private static long unsignedLeaves() {
        Long leaves = env.store.select(TRAIL_CURSOR.LEAVES).from(TRAIL_CURSOR).fetchOne(TRAIL_CURSOR.LEAVES);
        Long signed = env.store
                .select(org.jooq.impl.DSL.max(TRAIL_CHECKPOINT.TREE_SIZE))
                .from(TRAIL_CHECKPOINT)
                .fetchOne(0, Long.class);
        return leaves == null || signed == null ? -1 : leaves - signed + env.audit.backlog();
    }
}
