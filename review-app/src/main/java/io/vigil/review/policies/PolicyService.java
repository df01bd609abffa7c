package io.vigil.review.policies;

import static io.vigil.db.jooq.Tables.AGENT;
import static io.vigil.db.jooq.Tables.POLICY;
import static io.vigil.db.jooq.Tables.POLICY_ATTACHMENT;
import static io.vigil.db.jooq.Tables.POLICY_VERSION;
import static io.vigil.db.jooq.Tables.SESSION;
import static io.vigil.db.jooq.Tables.STATEMENT;
import static io.vigil.db.jooq.Tables.TARGET;

import io.vigil.proxy.policy.AgentFacts;
import io.vigil.proxy.policy.Policy;
import io.vigil.proxy.policy.PolicyDocument;
import io.vigil.proxy.policy.PolicyStore.Attachment;
import io.vigil.proxy.policy.Rule;
import io.vigil.proxy.sql.SqlAnalyzer;
import io.vigil.review.agents.AgentVisibility;
import io.vigil.review.gateway.AuditTrail;
import io.vigil.review.security.CurrentViewer;
import io.vigil.review.security.Role;
import io.vigil.review.security.Viewer;
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
 * and rules, where it is attached, and which policies apply to each agent; every signed-in person
 * with a Vigil role may read them. Administrators write them: each change is a new version (a switch
 * between observe and enforce too) and a trail record.
 */
@Service
public class PolicyService {

    private static final java.util.regex.Pattern NAME = java.util.regex.Pattern.compile("[a-z][a-z0-9_-]{0,62}");

    private final DSLContext db;
    private final CurrentViewer viewer;
    private final AuditTrail trail;
    private final SqlAnalyzer analyzer;

    PolicyService(DSLContext db, CurrentViewer viewer, AuditTrail trail, SqlAnalyzer analyzer) {
        this.db = db;
        this.viewer = viewer;
        this.trail = trail;
        this.analyzer = analyzer;
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
                document.compile(r.value4()); // as the gateway does: a rule that does not compile denies
            } catch (PolicyDocument.InvalidDocument | Policy.InvalidPolicy e) {
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
                .where(STATEMENT.OBSERVED_VERDICT.isNotNull())
                .and(STATEMENT.OBSERVED_POLICY.like(DSL.inline(name.replace("_", "\\_") + " v%")))
                .and(AgentVisibility.of(viewer.get()))
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

    /** Statements a replay reads at most, the newest first. */
    public static final int REPLAY_LIMIT = 20_000;

    /**
     * Runs {@code document} as a draft of the policy {@code name} over what the agents of its
     * targets ({@code targets} for a policy not made yet) sent in the last {@code days} days, as the
     * trail recorded it: what it would have denied or held, by agent and rule. Nothing runs at any
     * target. The run is a trail record. Administrators only.
     *
     * @throws IllegalArgumentException if the draft does not compile, or names no target
     */
    @Transactional
    public DraftReplay.Result replay(String name, String document, int days, List<String> targets) {
        String actor = requireAdmin();
        List<String> problems = problems(name, document);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        Policy draft;
        try {
            draft = PolicyDocument.parse(document).compile(0);
        } catch (PolicyDocument.InvalidDocument | Policy.InvalidPolicy e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        int window = Math.max(1, Math.min(days, 90));
        // Where it applies: its attachments (narrowed as they are), or for a policy not made yet every
        // agent of the targets chosen.
        UUID policyId =
                db.select(POLICY.ID).from(POLICY).where(POLICY.NAME.eq(name)).fetchOne(POLICY.ID);
        List<Attachment> reach = policyId == null
                ? db.select(TARGET.ID)
                        .from(TARGET)
                        .where(TARGET.NAME.in(targets))
                        .fetch(r -> new Attachment(r.value1(), List.of(), List.of(), List.of()))
                : attachments().getOrDefault(policyId, List.of()).stream()
                        .map(Attached::attachment)
                        .toList();
        List<UUID> targetIds =
                reach.stream().map(Attachment::targetId).distinct().toList();
        if (targetIds.isEmpty()) {
            throw new IllegalArgumentException("choose the targets whose statements the draft is run over");
        }
        List<DraftReplay.Recorded> recorded = db.select(
                        AGENT.NAME,
                        AGENT.TAGS,
                        AGENT.OWNER,
                        SESSION.ON_BEHALF_OF,
                        SESSION.TASK,
                        STATEMENT.SQL_TEXT,
                        STATEMENT.PROTOCOL,
                        STATEMENT.READS,
                        STATEMENT.WRITES,
                        STATEMENT.STARTED_AT,
                        SESSION.TARGET_ID,
                        STATEMENT.ROW_COUNT)
                .from(STATEMENT)
                .join(SESSION)
                .on(SESSION.ID.eq(STATEMENT.SESSION_ID))
                .join(AGENT)
                .on(AGENT.ID.eq(SESSION.AGENT_ID))
                .where(SESSION.TARGET_ID.in(targetIds))
                .and(STATEMENT.STARTED_AT.ge(OffsetDateTime.now(ZoneOffset.UTC).minusDays(window)))
                .and(STATEMENT.KIND.isNotNull())
                .orderBy(STATEMENT.STARTED_AT.desc())
                .limit(REPLAY_LIMIT)
                .fetch(r -> new DraftReplay.Recorded(
                        r.value1(),
                        new AgentFacts(
                                r.value1(),
                                Arrays.asList(r.value2()),
                                r.value3(),
                                r.value4() == null ? "" : r.value4(),
                                r.value5() == null ? "" : r.value5()),
                        r.value6(),
                        r.value7(),
                        r.value8() == null ? List.of() : Arrays.asList(r.value8()),
                        r.value9() == null ? List.of() : Arrays.asList(r.value9()),
                        r.value10(),
                        r.value11(),
                        r.value12()));
        boolean capped = recorded.size() == REPLAY_LIMIT;
        List<DraftReplay.Recorded> reached = recorded.stream()
                .filter(r -> reach.stream().anyMatch(a -> a.targetId().equals(r.target()) && a.reaches(r.facts())))
                .toList();
        DraftReplay.Result result =
                DraftReplay.replay(draft, reached, analyzer::analyze).capped(capped);
        trail.record(
                actor,
                "policy.replay",
                "policy",
                policyId,
                name,
                "draft run over " + result.replayed() + " statements of the last " + window + " days: "
                        + result.denied() + " would be denied, " + result.held() + " held for review, "
                        + result.rolledBack() + " rolled back above a row cap");
        return result;
    }

    /**
     * One statement tried: the verdict the policies in force now give it for the agent, and the
     * facts it was based on.
     *
     * @param verdict "allowed by baseline v1", or what the agent would be told
     * @param facts each fact a rule may read, with its value
     */
    public record Tried(String statement, String effect, String verdict, Map<String, String> facts) {}

    /**
     * The verdicts the policies in force now give {@code sql} when {@code agent} sends it, each
     * statement with its facts. Relations are as written: the gateway resolves unqualified names on
     * the session's search path, and calls against the target's catalog, which this page does not
     * read. Nothing runs anywhere.
     *
     * @throws IllegalArgumentException if there is no such agent, or the text does not parse
     */
    @Transactional(readOnly = true)
    public List<Tried> tryStatement(String agent, String sql) {
        requireRole();
        var row = db.select(AGENT.NAME, AGENT.TAGS, AGENT.OWNER, AGENT.TARGET_ID)
                .from(AGENT)
                .where(AGENT.NAME.eq(agent))
                .and(AgentVisibility.of(viewer.get()))
                .fetchOne();
        if (row == null) {
            throw new IllegalArgumentException("no agent named " + agent);
        }
        AgentFacts facts = new AgentFacts(row.value1(), Arrays.asList(row.value2()), row.value3(), "", "");
        var store = new io.vigil.proxy.directory.JooqPolicyStore(db);
        List<Policy> applied =
                io.vigil.proxy.policy.PolicyBook.of(store.epoch(), store.load()).forAgent(row.value4(), facts);
        if (!(analyzer.analyze(sql) instanceof io.vigil.proxy.sql.SqlAnalysis.Understood understood)) {
            throw new IllegalArgumentException("PostgreSQL's parser refuses it, so the gateway would too");
        }
        List<Tried> tried = new ArrayList<>();
        java.time.Instant now = java.time.Instant.now();
        for (io.vigil.proxy.sql.StatementShape shape : understood.statements()) {
            io.vigil.proxy.policy.StatementFacts f =
                    io.vigil.proxy.policy.StatementFacts.of(shape, "simple", false, facts, now);
            io.vigil.proxy.policy.Verdict verdict = io.vigil.proxy.policy.Decide.decide(f, applied);
            String effect =
                    switch (verdict) {
                        case io.vigil.proxy.policy.Verdict.Allow a -> "allow";
                        case io.vigil.proxy.policy.Verdict.Review r -> "review";
                        case io.vigil.proxy.policy.Verdict.Deny d -> "deny";
                    };
            String said = verdict instanceof io.vigil.proxy.policy.Verdict.Allow a
                    ? "allowed by " + a.policies()
                            + (a.cap() == null
                                    ? ""
                                    : ", changing at most " + a.cap().rows() + " rows (rule "
                                            + a.cap().rule() + ")")
                            + (a.observed() == null
                                    ? ""
                                    : "; observe mode: " + a.observed().explanation())
                    : verdict.explanation();
            Map<String, String> shown = new LinkedHashMap<>();
            shown.put("kind", f.kind());
            shown.put("command", f.command());
            shown.put("reads", String.join(", ", f.reads()));
            shown.put("writes", String.join(", ", f.writes()));
            shown.put("functions", String.join(", ", f.functions()));
            shown.put("traits", String.join(", ", f.traits()));
            shown.put("settings", String.join(", ", f.settings()));
            f.columns().forEach((clause, names) -> {
                if (!names.isEmpty()) {
                    shown.put("columns." + clause, String.join(", ", names));
                }
            });
            shown.put("agent", f.agent() + " (owner " + f.owner() + ", tags " + String.join(", ", f.tags()) + ")");
            tried.add(new Tried(shape.text(), effect, said, shown));
        }
        return tried;
    }

    /** Agents by name, for trying a statement as one. */
    @Transactional(readOnly = true)
    public List<String> agentNames() {
        requireRole();
        return db.select(AGENT.NAME)
                .from(AGENT)
                .where(AGENT.STATUS.ne("revoked"))
                .and(AgentVisibility.of(viewer.get()))
                .orderBy(AGENT.NAME)
                .fetch(AGENT.NAME);
    }

    /** The targets a new policy may be attached to, by name. */
    @Transactional(readOnly = true)
    public List<String> targetNames() {
        requireRole();
        return db.select(TARGET.NAME).from(TARGET).orderBy(TARGET.NAME).fetch(TARGET.NAME);
    }

    /** Whether the viewer may write policies: administrators only. */
    public boolean mayEdit() {
        return viewer.get().has(Role.ADMIN);
    }

    /** The document a new policy starts from: a preset's rules under the new name, or none. */
    public String startingPoint(String name, String preset) {
        PolicyDocument from = preset == null || preset.isBlank()
                ? new PolicyDocument(name, "", List.of())
                : PolicyDocument.preset(preset);
        return new PolicyDocument(name, from.description(), from.rules()).json();
    }

    /**
     * Why {@code document} cannot be a version of the policy {@code name}: it does not read, a rule
     * does not compile (named, with CEL's message), or it names another policy. Empty if it can.
     */
    public List<String> problems(String name, String document) {
        try {
            PolicyDocument parsed = PolicyDocument.parse(document);
            if (!parsed.name().equals(name)) {
                return List.of("the document names policy '" + parsed.name() + "', not '" + name + "'");
            }
            java.util.Set<String> names = new java.util.HashSet<>();
            for (Rule rule : parsed.rules()) {
                if (!names.add(rule.name())) {
                    return List.of("two rules are named '" + rule.name() + "': a verdict names its rule");
                }
            }
            parsed.compile(1);
            return List.of();
        } catch (PolicyDocument.InvalidDocument | Policy.InvalidPolicy e) {
            return List.of(e.getMessage());
        }
    }

    /**
     * Stores {@code document} as the next version of the policy {@code name}, in the given mode; a new
     * policy is made and attached to {@code targets} (every agent there). The change is a trail
     * record, kept before it commits. Administrators only.
     *
     * @param basedOn the version the change was made from (0 for a new policy): if another has been
     *     stored since, nothing is saved, so a change made meanwhile is not overwritten
     * @return the version stored
     * @throws IllegalArgumentException naming what is wrong with the document, the name or the targets
     * @throws IllegalStateException if the policy changed since {@code basedOn}, or exists already
     */
    @Transactional
    public int save(String name, String document, boolean observing, List<String> targets, int basedOn) {
        String actor = requireAdmin();
        List<String> problems = problems(name, document);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        PolicyDocument parsed = parse(document);
        // Locked: two administrators saving at once queue, and the second sees the first's version.
        UUID id = db.select(POLICY.ID)
                .from(POLICY)
                .where(POLICY.NAME.eq(name))
                .forUpdate()
                .fetchOne(POLICY.ID);
        boolean created = id == null;
        if (!created && basedOn == 0) {
            throw new IllegalStateException("a policy named " + name + " exists already");
        }
        if (created && basedOn != 0) {
            throw new IllegalStateException("policy " + name + " no longer exists");
        }
        if (created) {
            if (!NAME.matcher(name).matches()) {
                throw new IllegalArgumentException(
                        "a policy's name is lower case letters, digits, - and _, starting with a letter");
            }
            if (targets.isEmpty()) {
                throw new IllegalArgumentException("choose the targets the new policy applies to");
            }
            id = UUID.randomUUID();
            db.insertInto(POLICY).set(POLICY.ID, id).set(POLICY.NAME, name).execute();
            for (String target : targets) {
                UUID targetId = db.select(TARGET.ID)
                        .from(TARGET)
                        .where(TARGET.NAME.eq(target))
                        .fetchOne(TARGET.ID);
                if (targetId == null) {
                    throw new IllegalArgumentException("no target named " + target);
                }
                db.insertInto(POLICY_ATTACHMENT)
                        .set(POLICY_ATTACHMENT.ID, UUID.randomUUID())
                        .set(POLICY_ATTACHMENT.POLICY_ID, id)
                        .set(POLICY_ATTACHMENT.TARGET_ID, targetId)
                        .set(POLICY_ATTACHMENT.CREATED_BY, actor)
                        .execute();
            }
        }
        Version previous = created ? null : newest(id);
        if (previous != null && previous.version() != basedOn) {
            throw new IllegalStateException(name + " has changed since you opened it (now v" + previous.version()
                    + " by " + previous.by() + "): reload, and make your change again");
        }
        if (previous != null && parsed.equals(previous.document()) && previous.observing() == observing) {
            return previous.version(); // nothing changed: no new version
        }
        int version = previous == null ? 1 : previous.version() + 1;
        insertVersion(id, version, parsed, observing, actor);
        List<PolicyDiff.Change> changes = PolicyDiff.between(
                previous == null ? null : previous.document(),
                previous != null && previous.observing(),
                parsed,
                observing);
        trail.record(
                actor,
                created ? "policy.create" : "policy.change",
                "policy",
                id,
                name,
                "v" + version + " (" + (observing ? "observe" : "enforce") + "): " + summary(changes)
                        + (created ? "; attached to " + String.join(", ", targets) : ""));
        return version;
    }

    /**
     * Switches the policy {@code name} to observe or to enforce: a new version with the same rules.
     * Administrators only.
     *
     * @return the version now in force
     */
    @Transactional
    public int switchMode(String name, boolean observing) {
        String actor = requireAdmin();
        UUID id = db.select(POLICY.ID)
                .from(POLICY)
                .where(POLICY.NAME.eq(name))
                .forUpdate()
                .fetchOne(POLICY.ID);
        if (id == null) {
            throw new IllegalArgumentException("no policy named " + name);
        }
        Version previous = newest(id);
        if (previous.observing() == observing) {
            return previous.version();
        }
        List<String> problems = previous.document() == null
                ? List.of("its newest version does not read")
                : problems(name, previous.document().json());
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("it cannot enforce or observe as it is: " + String.join("; ", problems));
        }
        int version = previous.version() + 1;
        insertVersion(id, version, previous.document(), observing, actor);
        trail.record(
                actor,
                observing ? "policy.observe" : "policy.enforce",
                "policy",
                id,
                name,
                "v" + version + ": " + (observing ? "observes (stops nothing)" : "enforces") + ", rules as v"
                        + previous.version());
        return version;
    }

    /**
     * A stored version of a policy.
     *
     * @param changes what changed from the version before (every rule added, for the first)
     */
    public record VersionView(
            int version, boolean observing, String by, OffsetDateTime at, List<PolicyDiff.Change> changes) {}

    /** Every version of the policy {@code name}, newest first, with what each changed. */
    @Transactional(readOnly = true)
    public List<VersionView> versions(String name) {
        requireRole();
        List<Version> versions = db.select(
                        POLICY_VERSION.VERSION,
                        POLICY_VERSION.DOCUMENT,
                        POLICY_VERSION.MODE,
                        POLICY_VERSION.CREATED_BY,
                        POLICY_VERSION.CREATED_AT)
                .from(POLICY_VERSION)
                .join(POLICY)
                .on(POLICY.ID.eq(POLICY_VERSION.POLICY_ID))
                .where(POLICY.NAME.eq(name))
                .orderBy(POLICY_VERSION.VERSION)
                .fetch(r -> new Version(
                        r.value1(), parseOrNull(r.value2()), "observe".equals(r.value3()), r.value4(), r.value5()));
        List<VersionView> views = new ArrayList<>();
        Version before = null;
        for (Version v : versions) {
            List<PolicyDiff.Change> changes = v.document() == null
                    ? List.of()
                    : PolicyDiff.between(
                            before == null ? null : before.document(),
                            before != null && before.observing(),
                            v.document(),
                            v.observing());
            views.add(new VersionView(v.version(), v.observing(), v.by(), v.at(), changes));
            before = v.document() == null ? before : v;
        }
        return views.reversed();
    }

    /**
     * The newest version of a policy, to make the next one from.
     *
     * @param document as stored (even if it no longer reads, so it can be repaired)
     */
    public record Editable(int version, String document, boolean observing) {}

    /** The newest version of the policy {@code name}; null if there is none. */
    @Transactional(readOnly = true)
    public Editable editable(String name) {
        requireRole();
        return db.select(POLICY_VERSION.VERSION, POLICY_VERSION.DOCUMENT, POLICY_VERSION.MODE)
                .from(POLICY_VERSION)
                .join(POLICY)
                .on(POLICY.ID.eq(POLICY_VERSION.POLICY_ID))
                .where(POLICY.NAME.eq(name))
                .orderBy(POLICY_VERSION.VERSION.desc())
                .limit(1)
                .fetchOne(r -> new Editable(r.value1(), r.value2(), "observe".equals(r.value3())));
    }

    private record Version(int version, PolicyDocument document, boolean observing, String by, OffsetDateTime at) {}

    private Version newest(UUID policy) {
        return db.select(
                        POLICY_VERSION.VERSION,
                        POLICY_VERSION.DOCUMENT,
                        POLICY_VERSION.MODE,
                        POLICY_VERSION.CREATED_BY,
                        POLICY_VERSION.CREATED_AT)
                .from(POLICY_VERSION)
                .where(POLICY_VERSION.POLICY_ID.eq(policy))
                .orderBy(POLICY_VERSION.VERSION.desc())
                .limit(1)
                .fetchSingle(r -> new Version(
                        r.value1(), parseOrNull(r.value2()), "observe".equals(r.value3()), r.value4(), r.value5()));
    }

    private void insertVersion(UUID policy, int version, PolicyDocument document, boolean observing, String actor) {
        db.insertInto(POLICY_VERSION)
                .set(POLICY_VERSION.POLICY_ID, policy)
                .set(POLICY_VERSION.VERSION, version)
                .set(POLICY_VERSION.DOCUMENT, document.json())
                .set(POLICY_VERSION.MODE, observing ? "observe" : "enforce")
                .set(POLICY_VERSION.CREATED_BY, actor)
                .execute();
    }

    /** "2 rules added (no-x, no-y), 1 changed (z), mode enforce -> observe". */
    static String summary(List<PolicyDiff.Change> changes) {
        if (changes.isEmpty()) {
            return "no change to the rules";
        }
        java.util.Map<PolicyDiff.Kind, List<String>> byKind = new java.util.EnumMap<>(PolicyDiff.Kind.class);
        for (PolicyDiff.Change c : changes) {
            byKind.computeIfAbsent(c.kind(), k -> new ArrayList<>())
                    .add(c.rule().isEmpty() ? c.before() + " -> " + c.after() : c.rule());
        }
        List<String> parts = new ArrayList<>();
        byKind.forEach((kind, what) ->
                parts.add(kind.name().toLowerCase(java.util.Locale.ROOT) + " " + String.join(", ", what)));
        return String.join("; ", parts);
    }

    private static PolicyDocument parse(String json) {
        try {
            return PolicyDocument.parse(json);
        } catch (PolicyDocument.InvalidDocument e) {
            throw new IllegalStateException("a stored policy version does not read: " + e.getMessage(), e);
        }
    }

    private static PolicyDocument parseOrNull(String json) {
        try {
            return PolicyDocument.parse(json);
        } catch (PolicyDocument.InvalidDocument e) {
            return null;
        }
    }

    private String requireAdmin() {
        Viewer v = viewer.get();
        if (!v.has(Role.ADMIN)) {
            throw new AccessDeniedException("only an administrator changes policies");
        }
        return v.name();
    }

    private void requireRole() {
        if (!viewer.get().hasAnyRole()) {
            throw new AccessDeniedException("no Vigil role");
        }
    }
}
