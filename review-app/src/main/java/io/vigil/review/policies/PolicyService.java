package io.vigil.review.policies;

import static io.vigil.db.jooq.Tables.AGENT;
import static io.vigil.db.jooq.Tables.POLICY;
import static io.vigil.db.jooq.Tables.POLICY_ATTACHMENT;
import static io.vigil.db.jooq.Tables.POLICY_VERSION;
import static io.vigil.db.jooq.Tables.SESSION;
import static io.vigil.db.jooq.Tables.STATEMENT;
import static io.vigil.db.jooq.Tables.TARGET;

import io.vigil.proxy.policy.AgentFacts;
import io.vigil.proxy.policy.PolicyDocument;
import io.vigil.proxy.policy.PolicyStore.Attachment;
import io.vigil.proxy.policy.Rule;
import io.vigil.review.security.CurrentViewer;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.impl.DSL;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The guardrail policies in Vigil's store, as the gateway reads them: each policy's newest version
 * and rules, where it is attached, and which policies apply to each agent. Read-only here; every
 * signed-in person with a Vigil role may read them.
 */
@Service
public class PolicyService {

    private final DSLContext db;
    private final CurrentViewer viewer;

    PolicyService(DSLContext db, CurrentViewer viewer) {
        this.db = db;
        this.viewer = viewer;
    }

    /**
     * A policy at its newest version.
     *
     * @param attachedTo where it applies, one line per attachment ("shop: agents tagged llm")
     * @param invalid why its document cannot be read (the gateway denies everything under it), or null
     * @param observing whether the newest version only observes (stops nothing)
     * @param observed what it would have stopped in the last {@link #OBSERVED_DAYS} days, by agent and
     *     rule (any of its versions in observe mode)
     */
    public record PolicyView(
            String name,
            int version,
            String changedBy,
            OffsetDateTime changedAt,
            boolean preset,
            String description,
            List<Rule> rules,
            List<String> attachedTo,
            String invalid,
            boolean observing,
            List<Observed> observed) {}

    /**
     * Statements an observing policy would have stopped: how many, by agent and rule.
     *
     * @param verdict deny or review
     */
    public record Observed(String agent, String verdict, String rule, int statements, OffsetDateTime last) {}

    /** How far back the Policies page counts what observing policies would have stopped. */
    public static final int OBSERVED_DAYS = 7;

    /**
     * The policies that apply to one agent: its verdict is the most severe of theirs.
     *
     * @param policies each as {@code name v<version>}; empty: everything it sends is denied
     */
    public record AgentPolicies(String agent, String owner, String target, List<String> policies) {}

    private record Attached(UUID policyId, UUID targetId, String targetName, Attachment attachment) {}

    @Transactional(readOnly = true)
    public List<PolicyView> policies() {
        requireRole();
        Map<UUID, List<Attached>> attached = attachments();
        var newest = DSL.select(
                        POLICY_VERSION.POLICY_ID,
                        DSL.max(POLICY_VERSION.VERSION).as("version"))
                .from(POLICY_VERSION)
                .groupBy(POLICY_VERSION.POLICY_ID)
                .asTable("newest");
        List<PolicyView> views = new ArrayList<>();
        for (var r : db.select(
                        POLICY.ID,
                        POLICY.NAME,
                        POLICY.PRESET,
                        POLICY_VERSION.VERSION,
                        POLICY_VERSION.DOCUMENT,
                        POLICY_VERSION.CREATED_BY,
                        POLICY_VERSION.CREATED_AT,
                        POLICY_VERSION.MODE)
                .from(POLICY)
                .join(newest)
                .on(newest.field(POLICY_VERSION.POLICY_ID).eq(POLICY.ID))
                .join(POLICY_VERSION)
                .on(POLICY_VERSION.POLICY_ID.eq(POLICY.ID))
                .and(POLICY_VERSION.VERSION.eq(newest.field("version", Integer.class)))
                .orderBy(POLICY.NAME)
                .fetch()) {
            PolicyDocument document = null;
            String invalid = null;
            try {
                document = PolicyDocument.parse(r.value5());
            } catch (PolicyDocument.InvalidDocument e) {
                invalid = e.getMessage();
            }
            views.add(new PolicyView(
                    r.value2(),
                    r.value4(),
                    r.value6(),
                    r.value7(),
                    r.value3(),
                    document == null ? "" : document.description(),
                    document == null ? List.of() : document.rules(),
                    attached.getOrDefault(r.value1(), List.of()).stream()
                            .map(PolicyService::describe)
                            .toList(),
                    invalid,
                    "observe".equals(r.value8()),
                    observed(r.value2())));
        }
        return views;
    }

    /**
     * What the policy {@code name} would have stopped while it observed, in the last days: counts
     * only (the statements themselves are on the Sessions page, for those who may see them).
     */
    private List<Observed> observed(String name) {
        Field<Integer> statements = DSL.count().as("statements");
        Field<OffsetDateTime> last = DSL.max(STATEMENT.STARTED_AT).as("last");
        return db.select(AGENT.NAME, STATEMENT.OBSERVED_VERDICT, STATEMENT.OBSERVED_RULE, statements, last)
                .from(STATEMENT)
                .join(SESSION)
                .on(SESSION.ID.eq(STATEMENT.SESSION_ID))
                .join(AGENT)
                .on(AGENT.ID.eq(SESSION.AGENT_ID))
                .where(STATEMENT.OBSERVED_POLICY.like(DSL.inline(name.replace("_", "\\_") + " v%")))
                .and(STATEMENT.STARTED_AT.ge(OffsetDateTime.now(ZoneOffset.UTC).minusDays(OBSERVED_DAYS)))
                .groupBy(AGENT.NAME, STATEMENT.OBSERVED_VERDICT, STATEMENT.OBSERVED_RULE)
                .orderBy(statements.desc(), AGENT.NAME)
                .fetch(r -> new Observed(r.value1(), r.value2(), r.value3(), r.value4(), r.value5()));
    }

    /** Every agent with the policies that apply to it, by target and agent name. */
    @Transactional(readOnly = true)
    public List<AgentPolicies> agents() {
        requireRole();
        Map<UUID, String> policyNames = new LinkedHashMap<>();
        var newest = db.select(POLICY.ID, POLICY.NAME, POLICY_VERSION.VERSION, POLICY_VERSION.MODE)
                .from(POLICY)
                .join(POLICY_VERSION)
                .on(POLICY_VERSION.POLICY_ID.eq(POLICY.ID))
                .where(POLICY_VERSION.VERSION.eq(DSL.select(DSL.max(POLICY_VERSION.as("v").VERSION))
                        .from(POLICY_VERSION.as("v"))
                        .where(POLICY_VERSION.as("v").POLICY_ID.eq(POLICY.ID))))
                .fetch();
        newest.forEach(r -> policyNames.put(
                r.value1(), r.value2() + " v" + r.value3() + ("observe".equals(r.value4()) ? " (observe)" : "")));
        Map<UUID, List<Attached>> byTarget = new LinkedHashMap<>();
        attachments().values().stream().flatMap(List::stream).forEach(a -> byTarget.computeIfAbsent(
                        a.targetId(), t -> new ArrayList<>())
                .add(a));
        List<AgentPolicies> agents = new ArrayList<>();
        for (var r : db.select(AGENT.NAME, AGENT.OWNER, AGENT.TAGS, TARGET.ID, TARGET.NAME)
                .from(AGENT)
                .join(TARGET)
                .on(TARGET.ID.eq(AGENT.TARGET_ID))
                .where(AGENT.STATUS.ne("revoked"))
                .orderBy(TARGET.NAME, AGENT.NAME)
                .fetch()) {
            AgentFacts facts = new AgentFacts(r.value1(), Arrays.asList(r.value3()), r.value2(), "", "");
            List<String> applied = byTarget.getOrDefault(r.value4(), List.of()).stream()
                    .filter(a -> a.attachment().reaches(facts))
                    .map(a -> policyNames.get(a.policyId()))
                    .distinct()
                    .toList();
            agents.add(new AgentPolicies(r.value1(), r.value2(), r.value5(), applied));
        }
        return agents;
    }

    private Map<UUID, List<Attached>> attachments() {
        Map<UUID, List<Attached>> attached = new LinkedHashMap<>();
        for (var r : db.select(POLICY_ATTACHMENT.fields())
                .select(TARGET.NAME)
                .from(POLICY_ATTACHMENT)
                .join(TARGET)
                .on(TARGET.ID.eq(POLICY_ATTACHMENT.TARGET_ID))
                .orderBy(TARGET.NAME, POLICY_ATTACHMENT.CREATED_AT)
                .fetch()) {
            var a = r.into(POLICY_ATTACHMENT);
            attached.computeIfAbsent(a.getPolicyId(), p -> new ArrayList<>())
                    .add(new Attached(
                            a.getPolicyId(),
                            a.getTargetId(),
                            r.get(TARGET.NAME),
                            new Attachment(
                                    a.getTargetId(),
                                    Arrays.asList(a.getAgents()),
                                    Arrays.asList(a.getOwners()),
                                    Arrays.asList(a.getTags()))));
        }
        return attached;
    }

    /** "shop: every agent", "shop: agents named a, b; owned by c". */
    static String describe(Attached a) {
        Attachment at = a.attachment();
        List<String> narrowed = new ArrayList<>();
        if (!at.agents().isEmpty()) {
            narrowed.add("agents named " + String.join(", ", at.agents()));
        }
        if (!at.owners().isEmpty()) {
            narrowed.add("owned by " + String.join(", ", at.owners()));
        }
        if (!at.tags().isEmpty()) {
            narrowed.add("tagged " + String.join(", ", at.tags()));
        }
        return a.targetName() + ": " + (narrowed.isEmpty() ? "every agent" : String.join("; ", narrowed));
    }

    private void requireRole() {
        if (!viewer.get().hasAnyRole()) {
            throw new AccessDeniedException("no Vigil role");
        }
    }
}
