package io.vigil.review.campaigns;

import com.vaadin.flow.component.checkbox.Checkbox;
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
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A campaign definition's form: new, or to edit one. Periods are in days here (the store keeps
 * seconds); lists are comma-separated. The service checks everything again.
 */
final class DefinitionForm extends Dialog {

    private static final long serialVersionUID = 1L;

    DefinitionForm(DefinitionService definitions, TargetService targets, CampaignDefinition d, Runnable saved) {
        super(d == null ? "New campaign definition" : "Edit " + d.name());
        TextField name = Forms.text("Name", "definition-name");
        TextArea description = new TextArea("Description");
        List<Target> all = targets.targets();
        MultiSelectComboBox<Target> scopeTargets = new MultiSelectComboBox<>("Targets (none: all)", all);
        scopeTargets.setItemLabelGenerator(Target::name);
        TextField owners = Forms.text("Owners (none: all)", "definition-owners");
        TextField tags = Forms.text("Tags (none: all)", "definition-tags");
        TextField schedule = Forms.text("Schedule (Quartz cron, seconds first)", "definition-schedule");
        TextField zone = Forms.text("Time zone", "definition-zone");
        IntegerField review = days("Review period (days)", "definition-review");
        IntegerField lookback = days("Usage window (days)", "definition-lookback");
        IntegerField inactive = days("Inactive after (days)", "definition-inactive");
        TextField sensitive = Forms.text("Sensitive relations (schema.table, * wildcard)", "definition-sensitive");
        TextField fallback = Forms.text("Fallback reviewer", "definition-fallback");
        TextField reminders = Forms.text("Reminders (days before due)", "definition-reminders");
        IntegerField escalation = days("Escalation period (days)", "definition-escalation");
        escalation.setMin(0);
        TextField second = Forms.text("Second-stage reviewer (empty: one stage)", "definition-second");
        IntegerField secondDays = days("Second stage (days)", "definition-second-days");
        MultiSelectComboBox<String> secondFor =
                new MultiSelectComboBox<>("Second stage reviews", List.of("attest", "revoke", "reduce", "flag"));
        Select<String> defaultDecision = new Select<>();
        defaultDecision.setLabel("If nobody decides");
        defaultDecision.setItems("none", "revoke", "recommendation");
        TextField owner = Forms.text("Campaign owner (signs off)", "definition-owner");
        Checkbox enabled = new Checkbox("Launch on the schedule");

        if (d == null) {
            schedule.setValue(CampaignDefinition.QUARTERLY);
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
            owners.setValue(String.join(", ", d.scopeOwners()));
            tags.setValue(String.join(", ", d.scopeTags()));
            schedule.setValue(d.schedule());
            zone.setValue(d.timeZone());
            review.setValue((int) d.review().toDays());
            lookback.setValue((int) d.lookback().toDays());
            inactive.setValue((int) d.inactive().toDays());
            sensitive.setValue(String.join(", ", d.sensitiveRelations()));
            fallback.setValue(d.fallbackReviewer());
            reminders.setValue(
                    d.reminders().stream().map(r -> Long.toString(r.toDays())).collect(Collectors.joining(", ")));
            escalation.setValue((int) d.escalation().toDays());
            second.setValue(d.secondReviewer() == null ? "" : d.secondReviewer());
            if (d.secondReview() != null) {
                secondDays.setValue((int) d.secondReview().toDays());
            }
            secondFor.setValue(Set.copyOf(d.secondStageFor()));
            defaultDecision.setValue(d.defaultDecision());
            owner.setValue(d.owner());
            enabled.setValue(d.enabled());
        }

        FormLayout form = new FormLayout(
                name,
                description,
                scopeTargets,
                owners,
                tags,
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
                        list(owners.getValue()),
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
                        second.getValue(),
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
