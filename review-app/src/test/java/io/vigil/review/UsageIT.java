package io.vigil.review;

import static io.vigil.db.jooq.Tables.PERSON_ACTION;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.review.agents.AgentService;
import io.vigil.review.agents.CreatedAgent;
import io.vigil.review.agents.NewAgent;
import io.vigil.review.security.Role;
import io.vigil.review.usage.Dashboard;
import io.vigil.review.usage.GrantService;
import io.vigil.review.usage.GrantUsageMatrix;
import io.vigil.review.usage.RelationUsage;
import io.vigil.review.usage.UsageRollup;
import io.vigil.review.usage.UsageService;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.security.access.AccessDeniedException;

/**
 * Realistic traffic from three agents an administrator creates, each logging in upstream as a role
 * of its own: a reader (pgjdbc, with one statement the database denies), a writer (psql and
 * pgjdbc's extended protocol), and one that does nothing. Then the rollups, the grant-versus-usage
 * matrix and the dashboard must say exactly what happened, to each person only what they may see,
 * and a rebuild from the trail must say the same.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class UsageIT extends DemoStack {

    static final String SUFFIX = Long.toString(System.nanoTime() % 100_000);
    static final String READER = "usage-reader-" + SUFFIX;
    static final String WRITER = "usage-writer-" + SUFFIX;
    static final String IDLE = "usage-idle-" + SUFFIX;

    @Autowired
    AgentService agentService;

    @Autowired
    UsageService usage;

    @Autowired
    UsageRollup rollup;

    @Autowired
    GrantService grants;

    CreatedAgent reader;
    CreatedAgent writer;
    CreatedAgent idle;

    @BeforeAll
    void agentsWithRolesOfTheirOwnAndTheirTraffic() throws Exception {
        Map<String, String> roles = Map.of(
                "it_reader_" + SUFFIX, "grant select on customers, orders to %s",
                "it_writer_" + SUFFIX, "grant select, insert, update, delete on payments to %s",
                "it_idle_" + SUFFIX, "grant select on products to %s");
        try (Connection c = postgres.superuserDataSource("shop").getConnection();
                Statement s = c.createStatement()) {
            for (var role : roles.entrySet()) {
                s.execute("create role " + role.getKey() + " login password 'pw-" + role.getKey() + "'");
                s.execute(role.getValue().formatted(role.getKey()));
            }
        }
        UUID shop = store.select(io.vigil.db.jooq.Tables.TARGET.ID)
                .from(io.vigil.db.jooq.Tables.TARGET)
                .where(io.vigil.db.jooq.Tables.TARGET.NAME.eq("shop"))
                .fetchSingle(io.vigil.db.jooq.Tables.TARGET.ID);
        signIn("admin", Role.ADMIN);
        reader = agentService.create(agent(READER, "olivia", shop, "it_reader_" + SUFFIX));
        writer = agentService.create(agent(WRITER, "olivia", shop, "it_writer_" + SUFFIX));
        idle = agentService.create(agent(IDLE, "peter", shop, "it_idle_" + SUFFIX));
        signOut();

        try (Connection c = connect(reader)) {
            try (Statement s = c.createStatement()) {
                for (int id = 1; id <= 3; id++) {
                    s.executeQuery("select full_name from customers where id = " + id)
                            .close();
                }
                s.executeQuery("select o.id from orders o join customers c on c.id = o.customer_id limit 5")
                        .close();
                s.executeQuery("select count(*) from public.orders").close();
                s.executeQuery("select count(*) from pg_stat_activity").close();
                assertThatThrownBy(() -> s.executeQuery("select * from nosuch"))
                        .isInstanceOf(SQLException.class)
                        .extracting(e -> ((SQLException) e).getSQLState())
                        .isEqualTo("42P01");
                assertThatThrownBy(() -> s.executeQuery("select card_number from payments"))
                        .isInstanceOf(SQLException.class)
                        .extracting(e -> ((SQLException) e).getSQLState())
                        .isEqualTo("42501");
            }
        }
        psql(
                writer,
                "insert into payments (order_id, card_number, amount, status, paid_at)"
                        + " values (1, '4111', 10, 'test', now())");
        try (Connection c = connect(writer);
                PreparedStatement insert = c.prepareStatement("insert into payments (order_id, card_number, amount,"
                        + " status, paid_at) values (?, '4111', ?, 'test', now())");
                Statement s = c.createStatement()) {
            insert.setLong(1, 2);
            insert.setBigDecimal(2, java.math.BigDecimal.TEN);
            insert.executeUpdate();
            assertThat(s.executeUpdate("update payments set status = 'checked' where status = 'test'"))
                    .isEqualTo(2);
            s.executeQuery("select count(*) from payments").close();
        }
        awaitRolledUp();
    }

    @Test
    @Order(1)
    void theRollupsCountEachAgentsStatementsPerRelationAndOperation() {
        signIn("auditor", Role.AUDITOR);
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        assertThat(summary(usage.relations(reader.id(), today)))
                // Named as the target resolved them: "orders" and "public.orders" are one table.
                .containsEntry("public.customers select", "4 statements, 0 errors, 0 denials")
                .containsEntry("public.orders select", "2 statements, 0 errors, 0 denials")
                .containsEntry("public.payments select", "1 statements, 1 errors, 1 denials")
                .containsEntry("pg_catalog.pg_stat_activity select", "1 statements, 0 errors, 0 denials")
                .containsEntry("?nosuch select", "1 statements, 1 errors, 0 denials")
                .hasSize(5);
        assertThat(summary(usage.relations(writer.id(), today)))
                .containsEntry("public.payments insert", "2 statements, 0 errors, 0 denials")
                .containsEntry("public.payments update", "1 statements, 0 errors, 0 denials")
                .containsEntry("public.payments select", "1 statements, 0 errors, 0 denials")
                .hasSize(3);
        assertThat(usage.relations(writer.id(), today))
                .filteredOn(u -> u.operation().equals("update"))
                .singleElement()
                .extracting(RelationUsage::rows)
                .isEqualTo(2L);
        assertThat(usage.relations(idle.id(), today)).isEmpty();
        // pgjdbc sets application_name with a statement of its own after logging in: counted, as a utility.
        assertThat(activity(reader))
                .isEqualTo(Map.of("read", "8 statements, 1 denials", "utility", "1 statements, 0 denials"));
        assertThat(activity(writer))
                .isEqualTo(Map.of(
                        "write", "3 statements, 0 denials",
                        "read", "1 statements, 0 denials",
                        "utility", "1 statements, 0 denials"));
    }

    @Test
    @Order(2)
    void theMatrixShowsPrivilegesHeldAndNeverUsed() {
        signIn("olivia", Role.OWNER);
        grants.refresh(writer.id());
        grants.refresh(reader.id());
        GrantUsageMatrix writes = usage.matrix(writer.id(), grants.grants(writer.id()));
        GrantUsageMatrix.Row payments = writes.byRelation().get("public.payments");
        assertThat(payments.cell("SELECT").used()).isTrue();
        assertThat(payments.cell("INSERT").used()).isTrue();
        assertThat(payments.cell("UPDATE").used()).isTrue();
        assertThat(payments.cell("DELETE").unused()).as("held, never used").isTrue();
        assertThat(payments.cell("DELETE").via()).isEqualTo("direct");
        assertThat(payments.cell("TRUNCATE").held()).isFalse();
        assertThat(writes.unusedWrites()).containsExactly("public.payments DELETE");

        GrantUsageMatrix reads = usage.matrix(reader.id(), grants.grants(reader.id()));
        assertThat(reads.byRelation().get("public.customers").cell("SELECT").used())
                .isTrue();
        assertThat(reads.byRelation().get("public.orders").cell("SELECT").used())
                .isTrue();
        assertThat(reads.byRelation().get("public.payments").cell("SELECT").usedWithoutGrant())
                .as("denied by the database")
                .isTrue();
        assertThat(reads.unusedWrites()).isEmpty();
        assertThat(reads.byRelation()).doesNotContainKeys("pg_catalog.pg_stat_activity", "public.pg_stat_activity");
        assertThat(reads.catalogReads()).containsExactly("pg_catalog.pg_stat_activity");
        assertThat(reads.missing()).containsExactly("nosuch");
    }

    @Test
    @Order(3)
    void theDashboardListsStaleAgentsUnusedWritesAndOnlyWhatTheViewerMaySee() {
        signIn("admin", Role.ADMIN);
        grants.refreshAll();
        Dashboard all = usage.dashboard();
        assertThat(names(all.stale())).contains(IDLE).doesNotContain(READER, WRITER);
        assertThat(all.unusedWrites())
                .filteredOn(f -> f.name().equals(WRITER))
                .singleElement()
                .satisfies(f -> assertThat(f.detail()).isEqualTo("public.payments DELETE"));
        assertThat(names(all.unusedWrites())).doesNotContain(READER, IDLE);
        assertThat(all.byOwner())
                .filteredOn(o -> o.owner().equals("olivia"))
                .singleElement()
                .satisfies(o -> {
                    assertThat(o.agents()).isEqualTo(2);
                    assertThat(o.stale()).isZero();
                });

        signIn("olivia", Role.OWNER);
        Dashboard mine = usage.dashboard();
        assertThat(mine.byOwner()).extracting(Dashboard.OwnerAgents::owner).containsExactly("olivia");
        assertThat(names(mine.stale())).doesNotContain(IDLE);
        assertThatThrownBy(() -> usage.activity(idle.id(), LocalDate.now())).isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(() -> grants.refresh(idle.id())).isInstanceOf(AccessDeniedException.class);
    }

    @Test
    @Order(4)
    void aRebuildFromTheTrailCountsTheSame() {
        signIn("auditor", Role.AUDITOR);
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        Map<String, String> before = summary(usage.relations(reader.id(), today));
        assertThatThrownBy(() -> usage.rebuild()).isInstanceOf(AccessDeniedException.class);
        signIn("admin", Role.ADMIN);
        usage.rebuild();
        // The rebuild counts in the background; a rollup run here waits for it and adds what is left.
        rollup.rollUp();
        assertThat(summary(usage.relations(reader.id(), today))).isEqualTo(before);
        rollup.rollUp(); // counts again only what is new (the rebuild's own trail record: no statements)
        assertThat(summary(usage.relations(reader.id(), today))).isEqualTo(before);
    }

    @Test
    @Order(5)
    void creatingTheAgentsIsInTheTrail() {
        assertThat(store.select(PERSON_ACTION.ACTOR, PERSON_ACTION.ACTION)
                        .from(PERSON_ACTION)
                        .where(PERSON_ACTION.SUBJECT_NAME.in(READER, WRITER, IDLE))
                        .fetch(r -> r.value1() + " " + r.value2()))
                .containsExactlyInAnyOrder("admin agent.create", "admin agent.create", "admin agent.create");
        assertThat(store.fetchValue(
                        "select detail from vigil.person_action where subject_name = ? and action = 'agent.create'",
                        WRITER))
                .asString()
                .contains("owner olivia")
                .contains("upstream role it_writer_" + SUFFIX)
                .doesNotContain("pw-")
                .doesNotContain(writer.secret());
    }

    @Test
    @Order(6)
    void aChangeTheTrailCouldNeverStoreIsRefusedAndChangesNothing() {
        signIn("olivia", Role.OWNER);
        // A NUL cannot be stored: recorded anyway, it would stop the shipper and everything behind it.
        assertThatThrownBy(() -> agentService.disable(reader.id(), "stale\u0000"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> agentService.describe(reader.id(), "reads\u0000customers"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(agentService.agent(reader.id()).status()).isEqualTo("active");
        agentService.disable(reader.id(), "no longer needed");
        agentService.enable(reader.id(), "needed after all");
        assertThat(agentService.agent(reader.id()).status()).isEqualTo("active");
    }

    private static NewAgent agent(String name, String owner, UUID target, String role) {
        return new NewAgent(name, owner, "usage test agent", target, role, "pw-" + role, false);
    }

    private Connection connect(CreatedAgent agent) throws SQLException {
        return DriverManager.getConnection(
                "jdbc:postgresql://127.0.0.1:" + gateway.address().getPort() + "/shop", agent.name(), agent.secret());
    }

    private void psql(CreatedAgent agent, String sql) throws Exception {
        ProcessBuilder psql = new ProcessBuilder(
                        "psql",
                        "-X",
                        "-v",
                        "ON_ERROR_STOP=1",
                        "-h",
                        "127.0.0.1",
                        "-p",
                        Integer.toString(gateway.address().getPort()),
                        "-U",
                        agent.name(),
                        "-d",
                        "shop",
                        "-c",
                        sql)
                .redirectErrorStream(true);
        psql.environment().put("PGPASSWORD", agent.secret());
        Process process = psql.start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
    }

    /** Rolls up until the last statement (the writer's count) is counted. */
    private void awaitRolledUp() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (store.fetchCount(
                        io.vigil.db.jooq.Tables.USAGE_RELATION_DAY,
                        io.vigil.db.jooq.Tables.USAGE_RELATION_DAY
                                .AGENT_ID
                                .eq(writer.id())
                                .and(io.vigil.db.jooq.Tables.USAGE_RELATION_DAY.OPERATION.eq("select")))
                == 0) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the writer's statements were not rolled up within 15 s");
            }
            rollup.rollUp();
            Thread.sleep(100);
        }
    }

    private static Map<String, String> summary(List<RelationUsage> usage) {
        return usage.stream()
                .collect(Collectors.toMap(
                        u -> u.relation() + " " + u.operation(),
                        u -> u.statements() + " statements, " + u.errors() + " errors, " + u.denials() + " denials"));
    }

    private Map<String, String> activity(CreatedAgent agent) {
        return usage.activity(agent.id(), LocalDate.now(ZoneOffset.UTC)).stream()
                .collect(Collectors.toMap(
                        d -> d.kind(), d -> d.statements() + " statements, " + d.denials() + " denials"));
    }

    private static List<String> names(List<Dashboard.AgentFlag> flags) {
        return flags.stream().map(Dashboard.AgentFlag::name).toList();
    }
}
