package io.vigil.review.policies;

import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.combobox.ComboBox;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.TextArea;
import com.vaadin.flow.data.renderer.ComponentRenderer;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import io.vigil.proxy.policy.Rule;
import io.vigil.review.approvals.ApprovalService;
import io.vigil.review.policies.PolicyService.AgentPolicies;
import io.vigil.review.policies.PolicyService.Observed;
import io.vigil.review.policies.PolicyService.PolicyView;
import io.vigil.review.ui.Feedback;
import io.vigil.review.ui.Grids;
import io.vigil.review.ui.MainLayout;
import jakarta.annotation.security.PermitAll;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What the gateway enforces: each policy at its newest version, where it is attached, its rules in
 * the order they are tried, and the policies each agent is judged by; each policy's history.
 * Administrators write new versions, new policies, and switch between observe and enforce.
 */
@Route(value = "policies", layout = MainLayout.class)
@PageTitle("Policies · Vigil")
@PermitAll
class PoliciesView extends VerticalLayout {

    private static final long serialVersionUID = 1L;

    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");

    private final transient ApprovalService approvals;

    PoliciesView(PolicyService policies, ApprovalService approvals) {
        this.approvals = approvals;
        setWidthFull();
        add(new H2("Policies"));
        add(new Paragraph("Every statement an agent sends is judged by the policies that apply to it before it"
                + " runs; the most severe verdict wins (deny, then review, then allow). Within a policy the"
                + " first rule that matches decides; a cap rule decides nothing, it limits the rows an allowed write"
                + " may change (the tightest cap that matches holds). A change in the store is in force within a"
                + " second."));
        if (policies.mayEdit()) {
            Button create = new Button(
                    "New policy", e -> PolicyEditor.open(policies, null).open());
            create.setId("policy-new");
            add(create);
        }
        for (PolicyView policy : policies.policies()) {
            add(policy(policies, policy));
        }
        add(tryStatement(policies));
        add(new H3("Agents and the policies they are judged by"));
        Grid<AgentPolicies> agents = new Grid<>(AgentPolicies.class, false);
        agents.setId("agent-policies");
        agents.addThemeVariants(GridVariant.LUMO_ROW_STRIPES, GridVariant.LUMO_COMPACT);
        Grids.flexible(agents.addColumn(AgentPolicies::agent).setHeader("Agent"));
        Grids.flexible(agents.addColumn(AgentPolicies::owner).setHeader("Owner"));
        Grids.flexible(agents.addColumn(AgentPolicies::target).setHeader("Target"));
        Grids.flexible(agents.addColumn(a -> a.policies().isEmpty()
                                ? "none: everything it sends is denied"
                                : a.policies().stream().allMatch(p -> p.endsWith("(observe)"))
                                        ? String.join(", ", a.policies()) + ": none enforces, so everything it sends"
                                                + " is denied"
                                        : String.join(", ", a.policies()))
                        .setHeader("Policies"))
                .setFlexGrow(2);
        Grids.wrapping(agents);
        agents.setAllRowsVisible(true);
        agents.setItems(policies.agents());
        add(agents);
    }

    private VerticalLayout policy(PolicyService policies, PolicyView policy) {
        VerticalLayout box = new VerticalLayout();
        box.setPadding(false);
        box.setId("policy-" + policy.name());
        H3 title = new H3(policy.name() + " v" + policy.version() + (policy.preset() ? " (preset)" : ""));
        Span mode = new Span(policy.observing() ? "observe: stops nothing, records what it would" : "enforce");
        mode.setId("mode-" + policy.name());
        mode.getElement().getThemeList().add(policy.observing() ? "badge contrast" : "badge success");
        title.add(new Span(" "), mode);
        Span changed = new Span("version " + policy.version() + " by " + policy.changedBy() + ", "
                + WHEN.format(policy.changedAt()) + " · attached to "
                + (policy.attachedTo().isEmpty() ? "nothing" : String.join(" · ", policy.attachedTo())));
        changed.getStyle().set("color", "var(--lumo-secondary-text-color)");
        box.add(title, changed, actions(policies, approvals, policy));
        if (policy.invalid() != null) {
            Span invalid =
                    new Span("cannot be read, so the gateway denies every statement under it: " + policy.invalid());
            invalid.getElement().getThemeList().add("badge error");
            box.add(invalid);
            return box;
        }
        if (!policy.description().isEmpty()) {
            box.add(new Paragraph(policy.description()));
        }
        Grid<Rule> rules = new Grid<>(Rule.class, false);
        rules.setId("rules-" + policy.name());
        rules.addThemeVariants(GridVariant.LUMO_ROW_STRIPES, GridVariant.LUMO_COMPACT);
        Grids.flexible(rules.addColumn(Rule::name).setHeader("Rule"));
        rules.addComponentColumn(PoliciesView::effect)
                .setHeader("Effect")
                .setAutoWidth(true)
                .setFlexGrow(0);
        Grids.flexible(rules.addColumn(Rule::when).setHeader("When (CEL)")).setFlexGrow(2);
        Grids.flexible(rules.addColumn(Rule::message).setHeader("The agent is told"))
                .setFlexGrow(2);
        Grids.wrapping(rules);
        rules.setAllRowsVisible(true);
        rules.setItems(policy.rules());
        box.add(rules);
        if (policy.observing() || !policy.observed().isEmpty()) {
            box.add(observed(policy));
        }
        return box;
    }

    /** What the policy would have stopped while it observed, by agent and rule, with a way to the statements. */
    private static VerticalLayout observed(PolicyView policy) {
        VerticalLayout part = new VerticalLayout();
        part.setPadding(false);
        part.setSpacing(false);
        if (policy.observed().isEmpty()) {
            part.add(new Span(
                    "In the last " + PolicyService.OBSERVED_DAYS + " days it would have stopped nothing that ran."));
            return part;
        }
        part.add(new Span(
                "In the last " + PolicyService.OBSERVED_DAYS + " days, while observing, it would have stopped:"));
        Grid<Observed> grid = new Grid<>(Observed.class, false);
        grid.setId("observed-" + policy.name());
        grid.addThemeVariants(GridVariant.LUMO_ROW_STRIPES, GridVariant.LUMO_COMPACT);
        Grids.flexible(grid.addComponentColumn(o -> new Anchor(
                        "sessions?agent=" + o.agent() + "&observed="
                                + (o.verdict().equals("deny") ? "denied" : "review"),
                        o.agent()))
                .setHeader("Agent"));
        Grids.flexible(grid.addColumn(o -> o.verdict().equals("deny") ? "would deny" : "would hold for review")
                .setHeader("Would"));
        Grids.flexible(grid.addColumn(Observed::rule).setHeader("Rule"));
        grid.addColumn(Observed::statements)
                .setHeader("Statements")
                .setAutoWidth(true)
                .setFlexGrow(0);
        Grids.flexible(grid.addColumn(o -> WHEN.format(o.last())).setHeader("Last"));
        Grids.wrapping(grid);
        grid.setAllRowsVisible(true);
        grid.setItems(policy.observed());
        part.add(grid);
        return part;
    }

    /** A statement judged as an agent would send it now: the verdict, and the facts it rests on. */
    private static VerticalLayout tryStatement(PolicyService policies) {
        VerticalLayout part = new VerticalLayout();
        part.setPadding(false);
        part.setId("try-statement");
        part.add(new H3("Try a statement"));
        ComboBox<String> agent = new ComboBox<>("As agent");
        agent.setId("try-agent");
        agent.setItems(policies.agentNames());
        TextArea sql = new TextArea("Statement");
        sql.setId("try-sql");
        sql.setWidthFull();
        VerticalLayout result = new VerticalLayout();
        result.setPadding(false);
        result.setId("try-result");
        Button judge = new Button("Judge it", e -> {
            result.removeAll();
            if (agent.getValue() == null) {
                Feedback.error("choose the agent that would send it");
                return;
            }
            Feedback.attempt(() -> {
                for (PolicyService.Tried tried : policies.tryStatement(agent.getValue(), sql.getValue())) {
                    Span verdict = new Span(tried.verdict());
                    verdict.getElement()
                            .getThemeList()
                            .add(
                                    switch (tried.effect()) {
                                        case "deny" -> "badge error";
                                        case "review" -> "badge contrast";
                                        default -> "badge success";
                                    });
                    verdict.getStyle().set("white-space", "normal");
                    Grid<Map.Entry<String, String>> facts = new Grid<>();
                    facts.addThemeVariants(GridVariant.LUMO_COMPACT, GridVariant.LUMO_ROW_STRIPES);
                    Grids.flexible(facts.addColumn(Map.Entry::getKey).setHeader("Fact"));
                    Grids.flexible(facts.addColumn(Map.Entry::getValue).setHeader("Value"))
                            .setFlexGrow(3);
                    Grids.wrapping(facts);
                    facts.setAllRowsVisible(true);
                    facts.setItems(List.copyOf(tried.facts().entrySet()));
                    result.add(new Span(tried.statement()), verdict, facts);
                }
            });
        });
        judge.setId("try-judge");
        part.add(
                new Span("The verdict the policies in force now give it, and the facts it rests on. Relations are as"
                        + " written: the gateway resolves unqualified names on the session's search path and"
                        + " calls against the target's catalog. Nothing runs."),
                new HorizontalLayout(FlexComponent.Alignment.BASELINE, agent, judge),
                sql,
                result);
        return part;
    }

    /** History for everyone; a new version and the observe / enforce switch for administrators. */
    private static HorizontalLayout actions(PolicyService policies, ApprovalService approvals, PolicyView policy) {
        HorizontalLayout actions = new HorizontalLayout();
        Button history = new Button(
                "History", e -> history(policies, approvals, policy.name()).open());
        history.setId("policy-history-" + policy.name());
        history.addThemeVariants(ButtonVariant.LUMO_TERTIARY);
        actions.add(history);
        if (policies.mayEdit()) {
            // Also for a version that does not load: its repair is a new version.
            Button edit = new Button("New version", e -> PolicyEditor.open(policies, policy.name())
                    .open());
            edit.setId("policy-edit-" + policy.name());
            edit.addThemeVariants(ButtonVariant.LUMO_TERTIARY);
            actions.add(edit);
        }
        if (policies.mayEdit() && policy.invalid() == null) {
            Button mode = new Button(policy.observing() ? "Enforce" : "Observe instead", e -> {
                if (Feedback.attempt(() -> Feedback.success(policy.name() + " v"
                        + policies.switchMode(policy.name(), !policy.observing())
                        + (policy.observing() ? " enforces" : " observes") + "; the gateway has it within a second"))) {
                    UI.getCurrent().getPage().reload();
                }
            });
            mode.setId("policy-mode-" + policy.name());
            mode.addThemeVariants(ButtonVariant.LUMO_TERTIARY);
            actions.add(mode);
        }
        return actions;
    }

    /** Every version of a policy, newest first, each with what it changed. */
    private static Dialog history(PolicyService policies, ApprovalService approvals, String name) {
        Dialog dialog = new Dialog();
        dialog.setHeaderTitle("History of " + name);
        Grid<PolicyService.VersionView> versions = new Grid<>(PolicyService.VersionView.class, false);
        versions.setId("policy-versions");
        versions.addThemeVariants(GridVariant.LUMO_ROW_STRIPES, GridVariant.LUMO_COMPACT);
        versions.addColumn(v -> "v" + v.version())
                .setHeader("Version")
                .setAutoWidth(true)
                .setFlexGrow(0);
        versions.addColumn(v -> v.observing() ? "observe" : "enforce")
                .setHeader("Mode")
                .setAutoWidth(true)
                .setFlexGrow(0);
        Grids.flexible(versions.addColumn(PolicyService.VersionView::by).setHeader("By"));
        Grids.flexible(versions.addColumn(v -> WHEN.format(v.at())).setHeader("When"));
        versions.setItemDetailsRenderer(new ComponentRenderer<>(PoliciesView::changes));
        List<PolicyService.VersionView> all = policies.versions(name);
        versions.setItems(all);
        if (!all.isEmpty()) {
            versions.setDetailsVisible(all.getFirst(), true);
        }
        versions.setAllRowsVisible(true);
        dialog.add(versions);
        List<ApprovalService.Standing> standing = approvals.standingUnder(name);
        if (!standing.isEmpty()) {
            dialog.add(new H3("Standing approvals under " + name));
            Grid<ApprovalService.Standing> grid = new Grid<>(ApprovalService.Standing.class, false);
            grid.setId("policy-standing");
            grid.addThemeVariants(GridVariant.LUMO_COMPACT, GridVariant.LUMO_WRAP_CELL_CONTENT);
            grid.addColumn(ApprovalService.Standing::agent).setHeader("Agent").setAutoWidth(true);
            grid.addColumn(ApprovalService.Standing::sql).setHeader("Statement").setFlexGrow(3);
            grid.addColumn(st -> st.rule() + "; " + st.terms())
                    .setHeader("Rule, terms")
                    .setFlexGrow(2);
            grid.addColumn(st -> st.grantedBy() + " " + WHEN.format(st.grantedAt()) + ": " + st.reason())
                    .setHeader("Granted")
                    .setFlexGrow(2);
            grid.addColumn(st -> st.withdrawnBy() == null
                            ? st.inForce() ? "in force" : "used up or ended"
                            : "withdrawn by " + st.withdrawnBy() + " " + WHEN.format(st.withdrawnAt()))
                    .setHeader("State")
                    .setAutoWidth(true);
            grid.setItems(standing);
            grid.setAllRowsVisible(true);
            dialog.add(grid);
        }
        dialog.getFooter().add(new Button("Close", e -> dialog.close()));
        dialog.setWidth("70rem");
        return dialog;
    }

    /** What one version changed from the one before it. */
    private static VerticalLayout changes(PolicyService.VersionView version) {
        VerticalLayout list = new VerticalLayout();
        list.setPadding(false);
        list.setSpacing(false);
        list.setId("policy-changes-v" + version.version());
        if (version.changes().isEmpty()) {
            list.add(new Span("no change"));
        }
        for (PolicyDiff.Change c : version.changes()) {
            String what =
                    switch (c.kind()) {
                        case ADDED -> "+ " + c.rule() + ": " + c.after();
                        case REMOVED -> "- " + c.rule() + ": " + c.before();
                        case CHANGED -> "~ " + c.rule() + ": " + c.before() + "  =>  " + c.after();
                        case ORDER -> "order of rules: " + c.before() + "  =>  " + c.after();
                        case MODE -> "mode: " + c.before() + " => " + c.after();
                        case DESCRIPTION -> "description: " + c.before() + "  =>  " + c.after();
                    };
            Span line = new Span(what);
            line.getStyle().set("font-family", "var(--lumo-font-family-monospace, monospace)");
            line.getStyle().set("white-space", "normal");
            list.add(line);
        }
        return list;
    }

    private static Span effect(Rule rule) {
        Span effect = new Span(
                rule.effect() == Rule.Effect.CAP
                        ? "cap " + rule.rows() + " rows"
                        : rule.effect().name().toLowerCase(Locale.ROOT));
        effect.getElement()
                .getThemeList()
                .add(
                        switch (rule.effect()) {
                            case DENY -> "badge error";
                            case REVIEW -> "badge contrast";
                            case ALLOW -> "badge success";
                            case CAP -> "badge";
                        });
        return effect;
    }
}
