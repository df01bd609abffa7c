package io.vigil.review.policies;

import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import io.vigil.proxy.policy.Rule;
import io.vigil.review.policies.PolicyService.AgentPolicies;
import io.vigil.review.policies.PolicyService.Observed;
import io.vigil.review.policies.PolicyService.PolicyView;
import io.vigil.review.ui.Grids;
import io.vigil.review.ui.MainLayout;
import jakarta.annotation.security.PermitAll;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * What the gateway enforces: each policy at its newest version, where it is attached, its rules in
 * the order they are tried, and the policies each agent is judged by. Read-only (editing comes with
 * observe mode and draft replay).
 */
@Route(value = "policies", layout = MainLayout.class)
@PageTitle("Policies · Vigil")
@PermitAll
class PoliciesView extends VerticalLayout {

    private static final long serialVersionUID = 1L;

    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");

    PoliciesView(PolicyService policies) {
        setWidthFull();
        add(new H2("Policies"));
        add(new Paragraph("Every statement an agent sends is judged by the policies that apply to it before it"
                + " runs; the most severe verdict wins (deny, then review, then allow). Within a policy the"
                + " first rule that matches decides. A change in the store is in force within a second."));
        for (PolicyView policy : policies.policies()) {
            add(policy(policy));
        }
        add(new H3("Agents and the policies they are judged by"));
        Grid<AgentPolicies> agents = new Grid<>(AgentPolicies.class, false);
        agents.setId("agent-policies");
        agents.addThemeVariants(GridVariant.LUMO_ROW_STRIPES, GridVariant.LUMO_COMPACT);
        Grids.flexible(agents.addColumn(AgentPolicies::agent).setHeader("Agent"));
        Grids.flexible(agents.addColumn(AgentPolicies::owner).setHeader("Owner"));
        Grids.flexible(agents.addColumn(AgentPolicies::target).setHeader("Target"));
        Grids.flexible(agents.addColumn(a -> a.policies().isEmpty()
                                ? "none: everything it sends is denied"
                                : String.join(", ", a.policies()))
                        .setHeader("Policies"))
                .setFlexGrow(2);
        Grids.wrapping(agents);
        agents.setAllRowsVisible(true);
        agents.setItems(policies.agents());
        add(agents);
    }

    private VerticalLayout policy(PolicyView policy) {
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
        box.add(title, changed);
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

    private static Span effect(Rule rule) {
        Span effect = new Span(rule.effect().name().toLowerCase(Locale.ROOT));
        effect.getElement()
                .getThemeList()
                .add(
                        switch (rule.effect()) {
                            case DENY -> "badge error";
                            case REVIEW -> "badge contrast";
                            case ALLOW -> "badge success";
                        });
        return effect;
    }
}
