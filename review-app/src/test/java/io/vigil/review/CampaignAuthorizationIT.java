package io.vigil.review;

import static io.vigil.db.jooq.Tables.CAMPAIGN_ITEM;
import static io.vigil.db.jooq.Tables.PERSON;
import static io.vigil.db.jooq.Tables.PERSON_ACTION;
import static io.vigil.db.jooq.Tables.TARGET;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.review.agents.AgentService;
import io.vigil.review.agents.NewAgent;
import io.vigil.review.campaigns.CampaignDefinition;
import io.vigil.review.campaigns.CampaignService;
import io.vigil.review.campaigns.DefinitionService;
import io.vigil.review.campaigns.ReviewService;
import io.vigil.review.evidence.EvidencePacks;
import io.vigil.review.security.Role;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.security.access.AccessDeniedException;

/**
 * Every campaign action by every kind of person, called on the services directly (as a crafted
 * request would, past any page). "Allowed" means the service let the person act: it may still say
 * no for the campaign's state (a sign-off before the close, say), but never "not allowed"; a refused
 * action records nothing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CampaignAuthorizationIT extends DemoStack {

    static final String S = Long.toString(System.nanoTime() % 100_000);
    static final String REVIEWER = "cauthz-owner-" + S;
    static final String CAMPAIGN_OWNER = "cauthz-signer-" + S;

    enum Caller {
        ADMIN("admin", Role.ADMIN),
        ITEMS_REVIEWER(REVIEWER, Role.OWNER),
        CAMPAIGN_OWNER(CampaignAuthorizationIT.CAMPAIGN_OWNER, Role.OWNER),
        ANOTHER_OWNER("cauthz-stranger", Role.OWNER),
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

    interface Action {
        void run(CampaignAuthorizationIT it) throws Exception;
    }

    @Autowired
    AgentService agentService;

    @Autowired
    DefinitionService definitions;

    @Autowired
    CampaignService campaigns;

    @Autowired
    ReviewService reviews;

    @Autowired
    EvidencePacks packs;

    UUID definition;
    UUID campaign;
    UUID item;

    @BeforeAll
    void aCampaignUnderReview() throws InterruptedException {
        UUID shop = store.select(TARGET.ID)
                .from(TARGET)
                .where(TARGET.NAME.eq("shop"))
                .fetchSingle(TARGET.ID);
        store.insertInto(PERSON).set(PERSON.LOGIN, REVIEWER).execute();
        signIn("admin", Role.ADMIN);
        agentService.create(new NewAgent("cauthz-" + S, REVIEWER, "authorization test", shop, null, null, false));
        definition = definitions.create(definition("Authorization " + S)).id();
        definitions.launchNow(definition);
        signOut();
        campaign = awaitLaunch(definition);
        item = store.select(CAMPAIGN_ITEM.ID)
                .from(CAMPAIGN_ITEM)
                .where(CAMPAIGN_ITEM.CAMPAIGN_ID.eq(campaign))
                .fetchSingle(CAMPAIGN_ITEM.ID);
    }

    static final Set<Caller> ADMIN_ONLY = Set.of(Caller.ADMIN);
    static final Set<Caller> ANY_ROLE = Set.of(
            Caller.ADMIN,
            Caller.ITEMS_REVIEWER,
            Caller.CAMPAIGN_OWNER,
            Caller.ANOTHER_OWNER,
            Caller.AUDITOR,
            Caller.APPROVER);
    static final Set<Caller> EVIDENCE_READERS = Set.of(Caller.ADMIN, Caller.AUDITOR);
    static final Set<Caller> FOLLOWERS =
            Set.of(Caller.ADMIN, Caller.ITEMS_REVIEWER, Caller.CAMPAIGN_OWNER, Caller.AUDITOR);

    static Stream<Arguments> matrix() {
        return Stream.of(
                        row("list definitions", ANY_ROLE, it -> it.definitions.definitions()),
                        row(
                                "create a definition",
                                ADMIN_ONLY,
                                it -> it.definitions.create(definition("Another " + UUID.randomUUID()))),
                        row(
                                "edit a definition",
                                ADMIN_ONLY,
                                it -> it.definitions.update(definition("Authorization " + S, it.definition))),
                        row("launch now", ADMIN_ONLY, it -> {
                            // the launch runs in Quartz a moment later; here it is skipped (one is open)
                            long skipped = it.skips();
                            it.definitions.launchNow(it.definition);
                            long deadline =
                                    System.nanoTime() + Duration.ofSeconds(10).toNanos();
                            while (it.skips() == skipped && System.nanoTime() < deadline) {
                                Thread.sleep(100);
                            }
                        }),
                        row("list campaigns", ANY_ROLE, it -> it.campaigns.campaigns()),
                        row("see the campaign", FOLLOWERS, it -> it.campaigns.campaign(it.campaign)),
                        row("see its items", FOLLOWERS, it -> it.campaigns.items(it.campaign)),
                        row("see its notices", FOLLOWERS, it -> it.campaigns.notices(it.campaign)),
                        row("read a worklist", ANY_ROLE, it -> it.reviews.worklist()),
                        row(
                                "decide the item",
                                Set.of(Caller.ITEMS_REVIEWER),
                                it -> it.reviews.decide(List.of(it.item), "attest", "still needed")),
                        row(
                                "sign the campaign off",
                                Set.of(Caller.CAMPAIGN_OWNER),
                                it -> it.campaigns.signOff(it.campaign, "fine")),
                        row("retry its remediation", ADMIN_ONLY, it -> it.campaigns.retryRemediation(it.campaign)),
                        row("list flags", ANY_ROLE, it -> it.campaigns.flags()),
                        row("resolve a flag", ADMIN_ONLY, it -> it.campaigns.resolveFlag(UUID.randomUUID(), "done")),
                        row("list evidence", EVIDENCE_READERS, it -> it.packs.campaigns()),
                        row("generate a pack", EVIDENCE_READERS, it -> {
                            try {
                                it.packs.request(it.campaign);
                            } catch (IllegalStateException alreadyRunning) {
                                // allowed; the previous caller's pack is still being generated
                            }
                        }),
                        row(
                                "download a pack's workbook",
                                EVIDENCE_READERS,
                                it -> it.packs.writeFile(
                                        it.campaign, EvidencePacks.XLSX, OutputStream.nullOutputStream())),
                        row(
                                "download a pack's zip",
                                EVIDENCE_READERS,
                                it -> it.packs.zip(it.campaign, OutputStream.nullOutputStream())),
                        row(
                                "download an agent's history",
                                EVIDENCE_READERS,
                                it -> it.packs.history(it.agentId("cauthz-" + S))))
                .flatMap(r -> Arrays.stream(Caller.values())
                        .map(caller ->
                                Arguments.of(r.get()[0], caller, ((Set<?>) r.get()[1]).contains(caller), r.get()[2])));
    }

    @ParameterizedTest(name = "{0} as {1}: {2}")
    @MethodSource("matrix")
    void eachActionIsAllowedExactlyWhereTheTableSays(String what, Caller caller, boolean allowed, Action action)
            throws Exception {
        long before = quiet();
        signIn(caller.name, caller.roles);
        if (allowed) {
            try {
                action.run(this);
            } catch (IllegalArgumentException stateSaysNo) {
                // allowed, but not in this state (e.g. a sign-off while the campaign is under review)
            }
        } else {
            assertThatThrownBy(() -> action.run(this)).isInstanceOf(AccessDeniedException.class);
            assertThat(quiet()).as("a refused action records nothing").isEqualTo(before);
        }
    }

    /**
     * The trail's person actions once nothing more is arriving: an allowed action before may still
     * be on its way to the store (shipped a moment later), or a launch it asked for still running.
     */
    private long quiet() throws InterruptedException {
        long count = store.fetchCount(PERSON_ACTION);
        for (int i = 0; i < 50; i++) {
            Thread.sleep(300);
            long now = store.fetchCount(PERSON_ACTION);
            if (now == count) {
                return now;
            }
            count = now;
        }
        return count;
    }

    private long skips() {
        return store.fetchCount(
                PERSON_ACTION,
                PERSON_ACTION.ACTION.eq("campaign.launch-skipped").and(PERSON_ACTION.SUBJECT_ID.eq(definition)));
    }

    private static Arguments row(String what, Set<Caller> allowed, Action action) {
        return Arguments.of(what, allowed, action);
    }

    static CampaignDefinition definition(String name) {
        return definition(name, null);
    }

    static CampaignDefinition definition(String name, UUID id) {
        return new CampaignDefinition(
                id,
                name,
                "",
                List.of(),
                List.of(REVIEWER),
                List.of(),
                CampaignDefinition.QUARTERLY,
                "UTC",
                Duration.ofDays(14),
                Duration.ofDays(90),
                Duration.ofDays(30),
                List.of(),
                "admin",
                List.of(),
                Duration.ofDays(3),
                null,
                null,
                List.of(),
                "none",
                CAMPAIGN_OWNER,
                false);
    }
}
