package io.vigil.review;

import static io.vigil.db.jooq.Tables.AGENT;
import static io.vigil.db.jooq.Tables.PERSON_ACTION;
import static io.vigil.db.jooq.Tables.TARGET;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.review.agents.AgentService;
import io.vigil.review.agents.NewAgent;
import io.vigil.review.agents.TargetService;
import io.vigil.review.agents.TargetSettings;
import io.vigil.review.security.Role;
import io.vigil.review.usage.GrantService;
import io.vigil.review.usage.UsageService;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.security.access.AccessDeniedException;

/**
 * Every action of the inventory and usage services, by every kind of person, called on the service
 * directly (as a crafted request would, past any page): allowed exactly where the table says, and a
 * refused action changes nothing and records nothing.
 */
class AuthorizationIT extends DemoStack {

    /** Who calls: their login name and roles. "authz-owner" owns the subject agent, "stranger" does not. */
    enum Caller {
        ADMIN("admin", Role.ADMIN),
        SUBJECTS_OWNER("authz-owner", Role.OWNER),
        ANOTHER_OWNER("stranger", Role.OWNER),
        AUDITOR("auditor", Role.AUDITOR),
        APPROVER("approver", Role.APPROVER),
        NO_ROLE("nobody");

        final String name;
        final Role[] roles;

        Caller(String name, Role... roles) {
            this.name = name;
            this.roles = roles;
        }
    }

    /** An action on a fresh agent owned by "authz-owner" (disabled or revoked first when it says so). */
    interface Action {
        void run(AuthorizationIT it, UUID agent) throws Exception;
    }

    @Autowired
    AgentService agentService;

    @Autowired
    TargetService targets;

    @Autowired
    UsageService usage;

    @Autowired
    GrantService grants;

    static final Set<Caller> ADMIN_ONLY = Set.of(Caller.ADMIN);
    static final Set<Caller> ADMIN_AND_OWNER = Set.of(Caller.ADMIN, Caller.SUBJECTS_OWNER);
    static final Set<Caller> READERS = Set.of(Caller.ADMIN, Caller.SUBJECTS_OWNER, Caller.AUDITOR, Caller.APPROVER);

    /** The trail record each allowed change must leave; the other actions only read. */
    static final Map<String, String> RECORDED = Map.ofEntries(
            Map.entry("create an agent", "agent.create"),
            Map.entry("rotate its secret", "agent.rotate-secret"),
            Map.entry("disable it", "agent.disable"),
            Map.entry("re-enable it after its owner disabled it", "agent.enable"),
            Map.entry("re-enable it after an administrator disabled it", "agent.enable"),
            Map.entry("re-enable it after a review revoked it", "agent.enable"),
            Map.entry("transfer its ownership", "agent.transfer"),
            Map.entry("describe its purpose", "agent.describe"),
            Map.entry("tag it", "agent.tags"),
            Map.entry("change its upstream role", "agent.upstream-role"),
            Map.entry("add a target", "target.add"),
            Map.entry("edit a target", "target.edit"),
            Map.entry("rebuild the usage rollups", "usage.rebuild"));

    static Stream<Arguments> matrix() {
        return Stream.of(
                        action("see the agent", READERS, "active", (it, a) -> it.agentService.agent(a)),
                        action(
                                "create an agent",
                                ADMIN_ONLY,
                                "active",
                                (it, a) -> it.agentService.create(new NewAgent(
                                        "authz-new-"
                                                + UUID.randomUUID().toString().substring(0, 8),
                                        "authz-owner",
                                        "test",
                                        it.shop(),
                                        null,
                                        null,
                                        false))),
                        action(
                                "rotate its secret",
                                ADMIN_AND_OWNER,
                                "active",
                                (it, a) -> it.agentService.rotateSecret(a)),
                        action(
                                "disable it",
                                ADMIN_AND_OWNER,
                                "active",
                                (it, a) -> it.agentService.disable(a, "not needed")),
                        action(
                                "re-enable it after its owner disabled it",
                                ADMIN_AND_OWNER,
                                "disabled",
                                (it, a) -> it.agentService.enable(a, "needed again")),
                        action(
                                "re-enable it after an administrator disabled it",
                                ADMIN_ONLY,
                                "disabled by admin",
                                (it, a) -> it.agentService.enable(a, "needed again")),
                        action(
                                "re-enable it after a review revoked it",
                                ADMIN_ONLY,
                                "revoked",
                                (it, a) -> it.agentService.enable(a, "appeal")),
                        action(
                                "transfer its ownership",
                                ADMIN_ONLY,
                                "active",
                                (it, a) -> it.agentService.transfer(a, "maria.chen")),
                        action(
                                "describe its purpose",
                                ADMIN_AND_OWNER,
                                "active",
                                (it, a) -> it.agentService.describe(a, "new purpose")),
                        action(
                                "tag it",
                                ADMIN_ONLY,
                                "active",
                                (it, a) -> it.agentService.tag(a, List.of("ci", "billing"))),
                        action(
                                "change its upstream role",
                                ADMIN_ONLY,
                                "active",
                                (it, a) -> it.agentService.changeUpstreamRole(
                                        a, "authz_role_" + a.toString().substring(0, 8), "x")),
                        action(
                                "add a target",
                                ADMIN_ONLY,
                                "active",
                                (it, a) -> it.targets.add(it.targetSettings(
                                        "authz-" + UUID.randomUUID().toString().substring(0, 8)))),
                        action(
                                "edit a target",
                                ADMIN_ONLY,
                                "active",
                                (it, a) -> it.targets.edit(
                                        it.spareTarget(),
                                        it.targetSettings("authz-spare-"
                                                + UUID.randomUUID().toString().substring(0, 6)))),
                        action(
                                "test a target's connection",
                                ADMIN_ONLY,
                                "active",
                                (it, a) -> it.targets.test(it.shop())),
                        action(
                                "list targets",
                                Set.of(
                                        Caller.ADMIN,
                                        Caller.SUBJECTS_OWNER,
                                        Caller.ANOTHER_OWNER,
                                        Caller.AUDITOR,
                                        Caller.APPROVER),
                                "active",
                                (it, a) -> it.targets.targets()),
                        action(
                                "read its privileges from the target",
                                READERS,
                                "active",
                                (it, a) -> it.grants.refresh(a)),
                        action("see its usage", READERS, "active", (it, a) -> it.usage.activity(a, LocalDate.now())),
                        action(
                                "see its grant-versus-usage matrix",
                                READERS,
                                "active",
                                (it, a) -> it.usage.matrix(a, List.of())),
                        action("rebuild the usage rollups", ADMIN_ONLY, "active", (it, a) -> it.usage.rebuild()))
                .flatMap(row -> Arrays.stream(Caller.values())
                        .map(caller -> Arguments.of(
                                row.get()[0],
                                caller,
                                ((Set<?>) row.get()[1]).contains(caller),
                                row.get()[2],
                                row.get()[3])));
    }

    @ParameterizedTest(name = "{0} as {1}: {2}")
    @MethodSource("matrix")
    void eachActionIsAllowedExactlyWhereTheTableSays(
            String what, Caller caller, boolean allowed, String status, Action action) throws Exception {
        UUID agent = freshAgent(status);
        java.time.OffsetDateTime startedAt = store.fetchValue(org.jooq.impl.DSL.currentOffsetDateTime());
        long actionsBefore = store.fetchCount(PERSON_ACTION);
        signIn(caller.name, caller.roles);
        if (allowed) {
            action.run(this, agent);
            if (RECORDED.containsKey(what)) {
                // An allowed change is a trail record naming who made it (shipped a moment later).
                awaitShipped(PERSON_ACTION
                        .ACTOR
                        .eq(caller.name)
                        .and(PERSON_ACTION.ACTION.eq(RECORDED.get(what)))
                        .and(PERSON_ACTION.ACTED_AT.ge(startedAt)));
            }
        } else {
            assertThatThrownBy(() -> action.run(this, agent)).isInstanceOf(AccessDeniedException.class);
            assertThat(store.fetchCount(PERSON_ACTION))
                    .as("a refused action records nothing")
                    .isEqualTo(actionsBefore);
            assertThat(store.select(AGENT.OWNER, AGENT.STATUS, AGENT.PURPOSE)
                            .from(AGENT)
                            .where(AGENT.ID.eq(agent))
                            .fetchOne())
                    .as("and changes nothing")
                    .satisfies(r -> {
                        assertThat(r.value1()).isEqualTo("authz-owner");
                        assertThat(r.value2()).isEqualTo(status.split(" ")[0]);
                        assertThat(r.value3()).isEqualTo("authorization test");
                    });
        }
    }

    private static Arguments action(String what, Set<Caller> allowed, String status, Action action) {
        return Arguments.of(what, allowed, status, action);
    }

    private UUID freshAgent(String status) throws InterruptedException {
        signIn("admin", Role.ADMIN);
        UUID id = agentService
                .create(new NewAgent(
                        "authz-" + UUID.randomUUID().toString().substring(0, 8),
                        "authz-owner",
                        "authorization test",
                        shop(),
                        null,
                        null,
                        false))
                .id();
        // "disabled" was disabled by its owner; "disabled by admin" and "revoked" by someone else.
        String disabledBy =
                switch (status) {
                    case "disabled" -> Caller.SUBJECTS_OWNER.name;
                    case "disabled by admin" -> "admin";
                    case "revoked" -> "vigil";
                    default -> null;
                };
        store.update(AGENT)
                .set(AGENT.STATUS, status.split(" ")[0])
                .set(AGENT.DISABLED_BY, disabledBy)
                .where(AGENT.ID.eq(id))
                .execute();
        UUID spare = spareTarget();
        signOut();
        awaitShipped(PERSON_ACTION.SUBJECT_ID.eq(id));
        awaitShipped(PERSON_ACTION.SUBJECT_ID.eq(spare));
        return id;
    }

    /** Waits until the trail's shipper has stored the record {@code record} describes (10 s at most). */
    UUID shop() {
        return store.select(TARGET.ID)
                .from(TARGET)
                .where(TARGET.NAME.eq("shop"))
                .fetchSingle(TARGET.ID);
    }

    /** A target of its own for edits, so they do not move the shop target; the setup adds it as admin. */
    UUID spareTarget() {
        return store.select(TARGET.ID)
                .from(TARGET)
                .where(TARGET.NAME.like("authz-%"))
                .limit(1)
                .fetchOptional(TARGET.ID)
                .orElseGet(() -> {
                    var previous = org.springframework.security.core.context.SecurityContextHolder.getContext()
                            .getAuthentication();
                    signIn("admin", Role.ADMIN);
                    UUID id = targets.add(targetSettings("authz-spare"));
                    org.springframework.security.core.context.SecurityContextHolder.getContext()
                            .setAuthentication(previous);
                    return id;
                });
    }

    TargetSettings targetSettings(String name) {
        return new TargetSettings(
                name, "127.0.0.1", 5432, "nowhere", "disable", "nobody", "secret", "manager", "secret", "store", "");
    }
}
