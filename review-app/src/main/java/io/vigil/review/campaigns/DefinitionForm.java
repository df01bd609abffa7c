package io.vigil.review.campaigns;

import com.vaadin.flow.component.checkbox.Checkbox;
import com.vaadin.flow.component.combobox.ComboBox;
import com.vaadin.flow.component.combobox.MultiSelectComboBox;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.formlayout.FormLayout;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.component.textfield.IntegerField;
import com.vaadin.flow.component.textfield.TextArea;
import com.vaadin.flow.component.textfield.TextField;
import io.vigil.review.agents.Target;
import io.vigil.review.agents.TargetService;
import io.vigil.review.ui.Feedback;
import io.vigil.review.ui.Forms;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A campaign definition's form: new, or to edit one. The schedule is a cadence (the cron expression
 * an advanced option); owners and reviewers are picked from the people Vigil knows (and, for the
 * owners in scope, from the agents' owners), not typed. Periods are in days here (the store keeps
 * seconds). The service checks everything again.
 */
final class DefinitionForm extends Dialog {

    private static final long serialVersionUID = 1L;

    DefinitionForm(
            DefinitionService definitions,
            TargetService targets,
            List<String> people,
            List<String> agentOwners,
            CampaignDefinition d,
            Runnable saved) {
        super(d == null ? "New campaign definition" : "Edit " + d.name());
        TextField name = Forms.text("Name", "definition-name");
        TextArea description = new TextArea("Description");
        List<Target> all = targets.targets();
        MultiSelectComboBox<Target> scopeTargets = new MultiSelectComboBox<>("Targets (none: all)", all);
        scopeTargets.setItemLabelGenerator(Target::name);
        MultiSelectComboBox<String> owners =
                new MultiSelectComboBox<>("Agents of these owners (none: all)", union(people, agentOwners));
        owners.setId("definition-owners");
        TextField tags = Forms.text("Tags (none: all)", "definition-tags");
        Select<Cadence> cadence = new Select<>();
        cadence.setLabel("Schedule");
        cadence.setItems(Cadence.values());
        cadence.setItemLabelGenerator(Cadence::label);
        cadence.setId("definition-cadence");
        TextField schedule = Forms.text("Quartz cron expression (seconds first)", "definition-schedule");
        cadence.addValueChangeListener(e -> {
            schedule.setVisible(e.getValue() == Cadence.CUSTOM);
            if (e.getValue() != Cadence.CUSTOM && e.getValue() != null) {
                schedule.setValue(e.getValue().cron());
            }
        });
        TextField zone = Forms.text("Time zone", "definition-zone");
        IntegerField review = days("Review period (days)", "definition-review");
        IntegerField lookback = days("Usage window (days)", "definition-lookback");
        IntegerField inactive = days("Inactive after (days)", "definition-inactive");
        TextField sensitive = Forms.text("Sensitive relations (schema.table, * wildcard)", "definition-sensitive");
        ComboBox<String> fallback = person("Fallback reviewer", "definition-fallback", people);
        TextField reminders = Forms.text("Reminders (days before due)", "definition-reminders");
        IntegerField escalation = days("Escalation period (days)", "definition-escalation");
        escalation.setMin(0);
        ComboBox<String> second = person("Second-stage reviewer (none: one stage)", "definition-second", people);
        second.setClearButtonVisible(true);
        IntegerField secondDays = days("Second stage (days)", "definition-second-days");
        MultiSelectComboBox<String> secondFor =
                new MultiSelectComboBox<>("Second stage reviews", List.of("attest", "revoke", "reduce", "flag"));
        Select<String> defaultDecision = new Select<>();
        defaultDecision.setLabel("If nobody decides");
        defaultDecision.setItems("none", "revoke", "recommendation");
        ComboBox<String> owner = person("Campaign owner (signs off)", "definition-owner", people);
        Checkbox enabled = new Checkbox("Launch on the schedule");

        if (d == null) {
            cadence.setValue(Cadence.QUARTERLY);
            zone.setValue("UTC");
            review.setValue(14);
            lookback.setValue(90);
            inactive.setValue(30);
            reminders.setValue("7, 2");
            escalation.setValue(3);
            defaultDecision.setValue("none");
            enabled.setValue(true);
        } else {
            name.setValue(d.name());
            description.setValue(d.description());
            scopeTargets.setValue(
                    all.stream().filter(t -> d.scopeTargets().contains(t.id())).collect(Collectors.toSet()));
            showing(owners, d.scopeOwners());
            owners.setValue(Set.copyOf(d.scopeOwners()));
            tags.setValue(String.join(", ", d.scopeTags()));
            schedule.setValue(d.schedule());
            cadence.setValue(Cadence.of(d.schedule()));
            zone.setValue(d.timeZone());
            review.setValue((int) d.review().toDays());
            lookback.setValue((int) d.lookback().toDays());
            inactive.setValue((int) d.inactive().toDays());
            sensitive.setValue(String.join(", ", d.sensitiveRelations()));
            select(fallback, d.fallbackReviewer());
            reminders.setValue(
                    d.reminders().stream().map(r -> Long.toString(r.toDays())).collect(Collectors.joining(", ")));
            escalation.setValue((int) d.escalation().toDays());
            select(second, d.secondReviewer());
            if (d.secondReview() != null) {
                secondDays.setValue((int) d.secondReview().toDays());
            }
            secondFor.setValue(Set.copyOf(d.secondStageFor()));
            defaultDecision.setValue(d.defaultDecision());
            select(owner, d.owner());
            enabled.setValue(d.enabled());
        }

        FormLayout form = new FormLayout(
                name,
                description,
                scopeTargets,
                owners,
                tags,
                cadence,
                schedule,
                zone,
                review,
                lookback,
                inactive,
                sensitive,
                fallback,
                reminders,
                escalation,
                second,
                secondDays,
                secondFor,
                defaultDecision,
                owner,
                enabled);
        add(form);
        Forms.footer(this, "Save", "save-definition", e -> {
            boolean ok = Feedback.attempt(() -> {
                CampaignDefinition changed = new CampaignDefinition(
                        d == null ? null : d.id(),
                        name.getValue(),
                        description.getValue(),
                        scopeTargets.getValue().stream().map(Target::id).toList(),
                        owners.getValue().stream().sorted().toList(),
                        list(tags.getValue()),
                        schedule.getValue(),
                        zone.getValue(),
                        days(review),
                        days(lookback),
                        days(inactive),
                        list(sensitive.getValue()),
                        fallback.getValue(),
                        list(reminders.getValue()).stream()
                                .map(r -> Duration.ofDays(number(r)))
                                .toList(),
                        escalation.getValue() == null ? null : Duration.ofDays(escalation.getValue()),
                        second.getValue() == null ? "" : second.getValue(),
                        secondDays.getValue() == null ? null : Duration.ofDays(secondDays.getValue()),
                        List.copyOf(secondFor.getValue()),
                        defaultDecision.getValue(),
                        owner.getValue(),
                        enabled.getValue());
                if (d == null) {
                    definitions.create(changed);
                } else {
                    definitions.update(changed);
                }
            });
            if (ok) {
                close();
                saved.run();
            }
        });
    }

    /** A person picked from those Vigil knows. */
    private static ComboBox<String> person(String label, String id, List<String> people) {
        ComboBox<String> field = new ComboBox<>(label, people);
        field.setId(id);
        field.setAllowCustomValue(false);
        return field;
    }

    /** Shows {@code value} even if that person is no longer among those known (gone since). */
    private static void select(ComboBox<String> field, String value) {
        if (value == null || value.isBlank()) {
            return;
        }
        List<String> items = new ArrayList<>(field.getListDataView().getItems().toList());
        if (!items.contains(value)) {
            items.add(value);
            field.setItems(items);
        }
        field.setValue(value);
    }

    private static void showing(MultiSelectComboBox<String> field, List<String> values) {
        List<String> items = new ArrayList<>(field.getListDataView().getItems().toList());
        values.stream().filter(v -> !items.contains(v)).forEach(items::add);
        field.setItems(items);
    }

    private static List<String> union(List<String> a, List<String> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream())
                .distinct()
                .sorted()
                .toList();
    }

    private static IntegerField days(String label, String id) {
        IntegerField field = new IntegerField(label);
        field.setId(id);
        field.setMin(1);
        return field;
    }

    private static Duration days(IntegerField field) {
        return field.getValue() == null ? null : Duration.ofDays(field.getValue());
    }

    private static List<String> list(String text) {
        return Arrays.stream(text.split(","))
                .map(String::strip)
                .filter(s -> !s.isEmpty())
                .toList();
    }

    private static long number(String text) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("reminders are whole days, comma-separated: " + text);
        }
    }
}
