package io.vigil.review.policies;

import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.combobox.MultiSelectComboBox;
import com.vaadin.flow.component.details.Details;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.radiobutton.RadioButtonGroup;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.component.textfield.IntegerField;
import com.vaadin.flow.component.textfield.TextArea;
import com.vaadin.flow.component.textfield.TextField;
import io.vigil.proxy.policy.PolicyDocument;
import io.vigil.proxy.policy.StatementFacts;
import io.vigil.review.ui.Feedback;
import io.vigil.review.ui.Forms;
import io.vigil.review.ui.Grids;
import java.util.List;
import java.util.TreeSet;

/**
 * The form an administrator writes a policy version in: its document as JSON (rules in the order
 * they are tried), the mode, and for a new policy where it applies. "Check" compiles every rule and
 * shows CEL's error under the document, naming the rule; saving does the same on the server first.
 * "Replay the draft" runs it over the statements the agents really sent (see {@link DraftReplay}).
 */
final class PolicyEditor {

    private PolicyEditor() {}

    /** The form for a new policy ({@code name} null) or a new version of {@code name}. */
    static Dialog open(PolicyService policies, String name) {
        // The version the change is made from, read now: saving refuses if another came meanwhile.
        PolicyService.Editable from = name == null ? null : policies.editable(name);
        boolean observing = from == null || from.observing();
        Dialog dialog = new Dialog();
        dialog.setHeaderTitle(name == null ? "New policy" : "New version of " + name);
        TextField policyName = Forms.text("Name", "policy-name");
        Select<String> start = new Select<>();
        start.setLabel("Start from");
        start.setId("policy-start");
        start.setItems(startingPoints());
        start.setItemLabelGenerator(p -> p.isEmpty() ? "no rules" : "the " + p + " preset");
        start.setValue("");
        MultiSelectComboBox<String> targets = new MultiSelectComboBox<>("Applies to every agent of");
        targets.setId("policy-targets");
        targets.setItems(policies.targetNames());
        RadioButtonGroup<String> mode = new RadioButtonGroup<>("Mode");
        mode.setId("policy-mode");
        mode.setItems("observe", "enforce");
        mode.setItemLabelGenerator(m -> m.equals("observe")
                ? "observe: stops nothing, records what it would have stopped"
                : "enforce: what it denies does not run");
        // A new policy starts observing: its effect is seen before it bites.
        mode.setValue(observing ? "observe" : "enforce");
        TextArea document = new TextArea("Policy (JSON: rules are tried in order, the first that matches decides)");
        document.setHelperText("Effects: allow, review, deny; or cap with \"rows\": N, which decides nothing but"
                + " limits the rows an allowed write may change (the tightest cap that matches holds).");
        document.setId("policy-document");
        document.setWidthFull();
        document.setMinHeight("22em");
        document.getStyle().set("font-family", "var(--lumo-font-family-monospace, monospace)");
        Div problems = new Div();
        problems.setId("policy-problems");
        if (name == null) {
            policyName.addValueChangeListener(
                    e -> document.setValue(policies.startingPoint(e.getValue().strip(), start.getValue())));
            start.addValueChangeListener(e -> document.setValue(
                    policies.startingPoint(policyName.getValue().strip(), e.getValue())));
        } else {
            document.setValue(from.document());
        }
        Button check = new Button(
                "Check", e -> show(problems, policies.problems(nameOf(policyName, name), document.getValue())));
        check.setId("policy-check");
        check.addThemeVariants(ButtonVariant.LUMO_TERTIARY);
        IntegerField days = new IntegerField("Days back");
        days.setId("policy-replay-days");
        days.setValue(7);
        days.setMin(1);
        days.setMax(90);
        VerticalLayout replayed = new VerticalLayout();
        replayed.setPadding(false);
        replayed.setId("policy-replay-result");
        Button replay = new Button(
                "Replay the draft",
                e -> Feedback.attempt(() -> show(
                        replayed,
                        policies.replay(
                                nameOf(policyName, name),
                                document.getValue(),
                                days.getValue() == null ? 7 : days.getValue(),
                                List.copyOf(targets.getValue())))));
        replay.setId("policy-replay");
        replay.addThemeVariants(ButtonVariant.LUMO_TERTIARY);
        VerticalLayout form = new VerticalLayout();
        form.setPadding(false);
        if (name == null) {
            form.add(policyName, start, targets);
        }
        form.add(
                mode,
                document,
                problems,
                new HorizontalLayout(FlexComponent.Alignment.BASELINE, check, days, replay),
                replayed,
                facts());
        dialog.add(form);
        Forms.footer(dialog, "Save version", "policy-save", e -> {
            String policy = nameOf(policyName, name);
            List<String> found = policies.problems(policy, document.getValue());
            show(problems, found);
            if (!found.isEmpty()) {
                return;
            }
            boolean saved = Feedback.attempt(() -> {
                int version = policies.save(
                        policy,
                        document.getValue(),
                        mode.getValue().equals("observe"),
                        List.copyOf(targets.getValue()),
                        from == null ? 0 : from.version());
                Feedback.success(policy + " v" + version + " saved; the gateway has it within a second");
            });
            if (saved) {
                dialog.close();
                UI.getCurrent().getPage().reload();
            }
        });
        dialog.setWidth("60rem");
        return dialog;
    }

    /** What the draft would have done to the statements agents really sent. */
    private static void show(VerticalLayout area, DraftReplay.Result result) {
        area.removeAll();
        area.add(new Span("Over " + (result.capped() ? "the newest " : "") + result.replayed()
                + " recorded statements it would have denied "
                + result.denied() + ", held " + result.held() + " for review and rolled back "
                + result.rolledBack() + " above a row cap"
                + (result.unreadable() > 0 ? " (" + result.unreadable() + " unparsable ones left out)" : "")
                + ". Nothing was run at the target."));
        if (result.findings().isEmpty()) {
            return;
        }
        Grid<DraftReplay.Finding> grid = new Grid<>(DraftReplay.Finding.class, false);
        grid.addThemeVariants(GridVariant.LUMO_ROW_STRIPES, GridVariant.LUMO_COMPACT);
        Grids.flexible(grid.addColumn(DraftReplay.Finding::agent).setHeader("Agent"));
        Grids.flexible(grid.addColumn(f -> switch (f.effect()) {
                    case "deny" -> "would deny";
                    case "cap" -> "would roll back";
                    default -> "would hold";
                })
                .setHeader("Would"));
        Grids.flexible(grid.addColumn(DraftReplay.Finding::rule).setHeader("Rule"));
        grid.addColumn(DraftReplay.Finding::statements)
                .setHeader("Statements")
                .setAutoWidth(true)
                .setFlexGrow(0);
        Grids.flexible(grid.addColumn(f -> String.join("  ·  ", f.examples())).setHeader("For example"))
                .setFlexGrow(3);
        Grids.wrapping(grid);
        grid.setAllRowsVisible(true);
        grid.setItems(result.findings());
        area.add(grid);
    }

    private static List<String> startingPoints() {
        List<String> points = new java.util.ArrayList<>();
        points.add("");
        points.addAll(PolicyDocument.PRESETS);
        return points;
    }

    private static String nameOf(TextField field, String name) {
        return name != null ? name : field.getValue().strip();
    }

    private static void show(Div problems, List<String> found) {
        problems.removeAll();
        if (found.isEmpty()) {
            Span ok = new Span("every rule compiles");
            ok.getElement().getThemeList().add("badge success");
            problems.add(ok);
            return;
        }
        for (String problem : found) {
            Span error = new Span(problem);
            error.getElement().getThemeList().add("badge error");
            error.getStyle().set("white-space", "normal");
            problems.add(error);
        }
    }

    /** The facts a rule may read, with their CEL types. */
    private static Details facts() {
        VerticalLayout list = new VerticalLayout();
        list.setPadding(false);
        list.setSpacing(false);
        for (String name : new TreeSet<>(StatementFacts.VARIABLES.keySet())) {
            list.add(new Span(name + " : " + StatementFacts.VARIABLES.get(name).name()));
        }
        list.add(new Span("e.g. 'drop' in traits · writes.exists(w, w.startsWith('billing.'))"
                + " · columns.all.exists(c, c.endsWith('ssn')) · now.getHours('Europe/Berlin') < 7"));
        Details details = new Details("Facts a rule may use", list);
        details.setId("policy-facts");
        return details;
    }
}
