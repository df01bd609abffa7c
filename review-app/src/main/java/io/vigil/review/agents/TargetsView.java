package io.vigil.review.agents;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.formlayout.FormLayout;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.component.textfield.IntegerField;
import com.vaadin.flow.component.textfield.PasswordField;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import io.vigil.review.ui.Feedback;
import io.vigil.review.ui.Forms;
import io.vigil.review.ui.Grids;
import io.vigil.review.ui.MainLayout;
import jakarta.annotation.security.PermitAll;

/**
 * The databases Vigil fronts. Administrators add and edit them and test that Vigil can log in; a
 * credential is typed once and never shown again (editing leaves it blank to keep it).
 */
@Route(value = "targets", layout = MainLayout.class)
@PageTitle("Targets · Vigil")
@PermitAll
class TargetsView extends VerticalLayout {

    private static final long serialVersionUID = 1L;

    private final transient TargetService targets;
    private final Grid<Target> grid = new Grid<>(Target.class, false);
    private final Span check = new Span();

    TargetsView(TargetService targets) {
        this.targets = targets;
        setSizeFull();
        HorizontalLayout header = new HorizontalLayout(new H2("Targets"));
        header.setAlignItems(Alignment.BASELINE);
        if (targets.mayManage()) {
            Button add = new Button("Add target", e -> editor(null).open());
            add.setId("add-target");
            add.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
            header.add(add);
        }
        check.setId("target-check");
        configureGrid();
        add(header, check, grid);
        refresh();
    }

    private void configureGrid() {
        grid.setId("targets");
        grid.addThemeVariants(GridVariant.LUMO_ROW_STRIPES, GridVariant.LUMO_COMPACT);
        Grids.flexible(grid.addColumn(Target::name).setHeader("Name"));
        Grids.flexible(grid.addColumn(t -> t.host() + ":" + t.port() + "/" + t.database())
                .setHeader("Database"));
        Grids.flexible(grid.addColumn(Target::loginUser).setHeader("Agents log in as"));
        Grids.flexible(grid.addComponentColumn(this::roleCheck).setHeader("May agents use it?"))
                .setFlexGrow(2);
        Grids.flexible(grid.addColumn(t -> t.managementUser() == null ? "not set" : t.managementUser())
                .setHeader("Vigil manages as"));
        grid.addColumn(Target::tlsMode).setHeader("TLS").setAutoWidth(true);
        grid.addColumn(t -> t.parameterMode().equals("hash") ? "hashed" : "stored")
                .setHeader("Parameters")
                .setAutoWidth(true);
        Grids.flexible(grid.addColumn(Target::description).setHeader("Description"));
        Grids.wrapping(grid);
        if (targets.mayManage()) {
            grid.addComponentColumn(this::actions)
                    .setHeader("")
                    .setWidth("9rem")
                    .setFlexGrow(0);
        }
        grid.setSizeFull();
    }

    /** The target's own answer: may agents log in as its shared role? Read through the management login. */
    private Component roleCheck(Target target) {
        String problem = targets.roleProblem(target.id(), target.loginUser());
        if (problem.isEmpty()) {
            Span yes = new Span("yes");
            yes.getElement().getThemeList().add("badge success");
            yes.setId("role-check-" + target.name());
            return yes;
        }
        // "not checked: <the target's own error>" or "refused at login: it has ...": a short badge,
        // the reason after it in small type, wrapping in its column.
        int colon = problem.indexOf(':');
        Span badge = new Span(problem.startsWith("not checked") ? "not checked" : "no");
        badge.getElement().getThemeList().add("badge error");
        Span reason = new Span(
                " " + (colon < 0 ? problem : problem.substring(colon + 1).strip()));
        reason.getStyle().set("font-size", "var(--lumo-font-size-xs)").set("color", "var(--lumo-secondary-text-color)");
        Span check = new Span(badge, reason);
        check.setId("role-check-" + target.name());
        return check;
    }

    private Component actions(Target target) {
        Button test = new Button("Test", e -> {
            ConnectionCheck result = targets.test(target.id());
            check.setText(target.name() + ": " + result.message());
            check.getElement().getThemeList().set("badge", true);
            check.getElement().getThemeList().set("success", result.ok());
            check.getElement().getThemeList().set("error", !result.ok());
        });
        test.setId("test-" + target.name());
        Button edit = new Button("Edit", e -> editor(target).open());
        edit.setId("edit-" + target.name());
        test.addThemeVariants(ButtonVariant.LUMO_SMALL);
        edit.addThemeVariants(ButtonVariant.LUMO_SMALL);
        HorizontalLayout buttons = new HorizontalLayout(test, edit);
        buttons.setSpacing(true);
        return buttons;
    }

    private void refresh() {
        grid.setItems(targets.targets());
    }

    /** The form for a new target ({@code existing} null) or an edit. */
    private Dialog editor(Target existing) {
        Dialog dialog = new Dialog();
        dialog.setHeaderTitle(existing == null ? "Add target" : "Edit " + existing.name());
        TextField name = Forms.text("Name agents use as their database", "target-name");
        TextField host = Forms.text("Host", "target-host");
        IntegerField port = new IntegerField("Port");
        port.setId("target-port");
        port.setValue(5432);
        TextField database = Forms.text("Database", "target-database");
        Select<String> tls = new Select<>();
        tls.setLabel("TLS to the target");
        tls.setId("target-tls");
        tls.setItems("verify-full", "require", "disable");
        tls.setValue("verify-full");
        TextField user = Forms.text("Role agents without one of their own log in as", "target-user");
        PasswordField password = new PasswordField(existing == null ? "Its password" : "New password (blank keeps it)");
        password.setId("target-password");
        TextField managementUser = Forms.text("Vigil's management login (no agent's role)", "target-management-user");
        managementUser.setHelperText("reads the catalog and remediates reviews; needs CREATEROLE");
        PasswordField managementPassword = new PasswordField(
                existing == null || existing.managementUser() == null
                        ? "Its password"
                        : "New password (blank keeps it)");
        managementPassword.setId("target-management-password");
        Select<String> parameters = new Select<>();
        parameters.setLabel("Bind parameters in the trail");
        parameters.setId("target-parameters");
        parameters.setItems("store", "hash");
        parameters.setValue("store");
        TextField description = Forms.text("Description", "target-description");
        if (existing != null) {
            name.setValue(existing.name());
            host.setValue(existing.host());
            port.setValue(existing.port());
            database.setValue(existing.database());
            tls.setValue(existing.tlsMode());
            user.setValue(existing.loginUser());
            managementUser.setValue(existing.managementUser() == null ? "" : existing.managementUser());
            parameters.setValue(existing.parameterMode());
            description.setValue(existing.description());
        }
        dialog.add(new FormLayout(
                name,
                host,
                port,
                database,
                tls,
                user,
                password,
                managementUser,
                managementPassword,
                parameters,
                description));
        Forms.footer(dialog, "Save", "save-target", e -> {
            TargetSettings settings = new TargetSettings(
                    name.getValue(),
                    host.getValue(),
                    port.getValue() == null ? 0 : port.getValue(),
                    database.getValue(),
                    tls.getValue(),
                    user.getValue(),
                    password.getValue(),
                    managementUser.getValue(),
                    managementPassword.getValue(),
                    parameters.getValue(),
                    description.getValue());
            boolean saved = Feedback.attempt(() -> {
                if (existing == null) {
                    targets.add(settings);
                } else {
                    targets.edit(existing.id(), settings);
                }
            });
            if (saved) {
                dialog.close();
                refresh();
                Feedback.success("Saved " + settings.name());
            }
        });
        return dialog;
    }
}
