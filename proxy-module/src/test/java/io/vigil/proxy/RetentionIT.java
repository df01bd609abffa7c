package io.vigil.proxy;

import static io.vigil.db.jooq.Tables.SESSION_VIEW;
import static io.vigil.db.jooq.Tables.STATEMENT;
import static io.vigil.db.jooq.Tables.STATEMENT_OUTCOME;
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
    static UUID other;

    @BeforeAll
    static void recordTraffic() throws Exception {
        env = new TestEnvironment(dir.resolve("pg"));
        env.agent("retained", "owner", "s3cret-retained");
        cli = new AuditCli(env, dir.resolve("trail.pub"));
        session = run("before-retention");
        other = run("attacked");
        TestEnvironment.await(env::unsignedRecords, n -> n == 0);
    }

    @AfterAll
    static void stop() {
        env.close();
    }

    @Test
    @Order(1)
    void aDeletionFiledAsRetentionWithAnOldCutIsCaught() throws Exception {
        // An insider deletes statement 2 of a session and files it as pruned by a cut long before
        // the session even opened.
        String seq2 = "session_id = '" + other + "' and seq = 2";
        cli.asInsider(
                "create table vigil.kept_statement as select * from vigil.statement where " + seq2,
                "create table vigil.kept_outcome as select * from vigil.statement_outcome where " + seq2,
                fileAsPruned("start", other, 2, "2020-01-01"),
                fileAsPruned("end", other, 2, "2020-01-01"),
                "delete from vigil.statement where " + seq2,
                // The completion is in the statement's row when it shipped with its start, else here.
                "delete from vigil.statement_outcome where " + seq2);
        AuditCli.Verification v = cli.verify();
        cli.asInsider(
                "insert into vigil.statement select * from vigil.kept_statement",
                "insert into vigil.statement_outcome select * from vigil.kept_outcome",
                "drop table vigil.kept_statement",
                "drop table vigil.kept_outcome",
                "delete from vigil.trail_pruned where " + seq2.replace("seq = 2", "true"));
        assertThat(v.status()).as(v.out()).isEqualTo(1);
        assertThat(v.out())
                .contains("TAMPERED session " + other + " record 3 (removed by retention")
                .contains("filed as removed by retention, older than 2020-01-01T00:00:00Z, in a session opened")
                .contains("deleted, not pruned");
        assertThat(cli.verify().out()).contains("verdict: intact");
    }

    @Test
    @Order(2)
    void droppingAMonthKeepsEveryOtherRecordProvable() throws Exception {
        assertThat(env.store.fetchCount(STATEMENT, STATEMENT.SESSION_ID.eq(session)))
                .isPositive();

        int dropped =
                ((Number) env.store.fetchValue("select prune_statements(now() + interval '2 months')")).intValue();
        // Keep partitions ahead for what comes next, as every start of Vigil does.
        env.store.execute("select ensure_statement_partitions(2)");

        assertThat(dropped).isGreaterThanOrEqualTo(1);
        assertThat(env.store.fetchCount(STATEMENT, STATEMENT.SESSION_ID.in(session, other)))
                .isZero();
        assertThat(env.store.fetchCount(STATEMENT_OUTCOME, STATEMENT_OUTCOME.SESSION_ID.in(session, other)))
                .isZero();
        assertThat(env.store.fetchCount(TRAIL_PRUNED, TRAIL_PRUNED.SESSION_ID.eq(session)))
                .as("a start and a completion per statement")
                .isEqualTo(2 * 4);
        // The sessions themselves are kept: who connected, when, and how it ended.
        assertThat(env.store.fetchCount(SESSION_VIEW, SESSION_VIEW.ID.in(session, other)))
                .isEqualTo(2);

        AuditCli.Verification live = cli.verify();
        assertThat(live.status()).as(live.out()).isZero();
        assertThat(live.out()).contains("16 of them removed by retention").contains("verdict: intact");

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
        assertThat(exported.out()).contains("16 of them removed by retention");
    }

    /**
     * The cut above ends next month, so statements recorded now are older than it: exactly what an
     * insider leaves behind who deletes a few recent statements and files them as pruned by a later
     * cut (retention itself never cuts inside a month still running).
     */
    @Test
    @Order(3)
    void statementsKeptOlderThanTheCutGiveTheDeletionAway() throws Exception {
        UUID later = run("after-retention");
        TestEnvironment.await(env::unsignedRecords, n -> n == 0);
        AuditCli.Verification v = cli.verify();
        assertThat(v.status()).isEqualTo(1);
        assertThat(v.out())
                .contains("TAMPERED session " + later)
                .contains("retention claims to have removed every statement before")
                .contains("8 kept record(s) of statements are older")
                .contains("the records filed as pruned were deleted");
    }

    /**
     * Files statement {@code seq}'s start or end record as pruned, as an insider would. An end that
     * shipped after its start lives in {@code statement_outcome}, not in the statement's row.
     */
    private static String fileAsPruned(String which, UUID session, int seq, String before) {
        String record = which.equals("start")
                ? "st.start_leaf, st.start_index, st.start_hash"
                : "coalesce(st.end_leaf, o.leaf), coalesce(st.end_index, o.chain_index),"
                        + " coalesce(st.end_hash, o.chain_hash)";
        return "insert into vigil.trail_pruned select st.session_id, s.spool_id, " + record + ", '" + before
                + "', now() from vigil.statement st join vigil.session s on s.id = st.session_id"
                + " left join vigil.statement_outcome o on o.session_id = st.session_id and o.seq = st.seq"
                + " where st.session_id = '" + session + "' and st.seq = " + seq;
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
}
