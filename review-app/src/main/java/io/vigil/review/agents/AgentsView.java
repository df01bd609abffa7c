package io.vigil.review.agents;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.checkbox.Checkbox;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.formlayout.FormLayout;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.component.textfield.PasswordField;
import com.vaadin.flow.component.textfield.TextArea;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.data.value.ValueChangeMode;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import io.vigil.review.ui.Feedback;
import io.vigil.review.ui.Forms;
import io.vigil.review.ui.Grids;
import io.vigil.review.ui.MainLayout;
import jakarta.annotation.security.PermitAll;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Locale;

/**
 * The agent inventory: every agent the viewer may see, with its owner, target, upstream role,
 * status, secret age and last activity. Administrators create agents here; the new secret is shown
 * once. Selecting an agent opens its page (evidence and actions).
 */
@Route(value = "agents", layout = MainLayout.class)
@PageTitle("Agents · Vigil")
@PermitAll
class AgentsView extends VerticalLayout {

    private static final long serialVersionUID = 1L;

    private final transient AgentService agents;
    private final transient TargetService targets;
    private final Grid<Agent> grid = new Grid<>(Agent.class, false);
    private final TextField search = new TextField();

    AgentsView(AgentService agents, TargetService targets) {
        this.agents = agents;
        this.targets = targets;
        setSizeFull();
        HorizontalLayout header = new HorizontalLayout(new H2("Agents"));
        if (agents.mayManage()) {
            Button create = new Button("New agent", e -> createDialog().open());
            create.setId("new-agent");
            create.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
            header.add(create);
        }
        header.setAlignItems(Alignment.BASELINE);
        search.setId("agent-search");
        search.setPlaceholder("Find by agent, owner or target");
        search.setClearButtonVisible(true);
        search.setValueChangeMode(ValueChangeMode.LAZY);
        search.addValueChangeListener(e -> refresh());
        search.setWidth("24rem");
        configureGrid();
        add(header, search, grid);
        refresh();
    }

    private void configureGrid() {
        grid.setId("agents");
        grid.addThemeVariants(GridVariant.LUMO_ROW_STRIPES, GridVariant.LUMO_COMPACT);
        // Flexible and wrapping: long names, roles and tags share a laptop's width instead of cutting it.
        Grids.flexible(grid.addColumn(Agent::name).setHeader("Agent").setSortable(true));
        Grids.flexible(grid.addColumn(Agent::owner).setHeader("Owner").setSortable(true));
        grid.addColumn(Agent::targetName).setHeader("Target").setAutoWidth(true);
        Grids.flexible(grid.addColumn(a -> a.upstreamRole() + (a.ownRole() ? "" : " (shared)"))
                .setHeader("Upstream role"));
        grid.addComponentColumn(AgentsView::status).setHeader("Status").setAutoWidth(true);
        Grids.flexible(grid.addColumn(a -> String.join(", ", a.tags())).setHeader("Tags"));
        grid.addColumn(AgentsView::secretAge).setHeader("Secret").setAutoWidth(true);
        grid.addColumn(a -> a.lastActivity() == null ? "never" : Feedback.utc(a.lastActivity()))
                .setHeader("Last activity")
                .setAutoWidth(true);
        Grids.wrapping(grid);
        grid.setSizeFull();
        grid.addItemClickListener(
                e -> getUI().ifPresent(ui -> ui.navigate("agent/" + e.getItem().id())));
    }

    private void refresh() {
        String wanted = search.getValue().strip().toLowerCase(Locale.ROOT);
        grid.setItems(agents.agents().stream()
                .filter(a -> wanted.isEmpty()
                        || (a.name() + " " + a.owner() + " " + a.targetName())
                                .toLowerCase(Locale.ROOT)
                                .contains(wanted))
                .toList());
    }

    static Span status(Agent agent) {
        Span badge = new Span(agent.status());
        badge.getElement().getThemeList().add(agent.active() ? "badge success" : "badge error");
        return badge;
    }

    static String secretAge(Agent agent) {
        if (agent.workloadIdentity()) {
            return "workload identity";
        }
        if (agent.secretIssuedAt() == null) {
            return "none";
        }
        long days =
                Duration.between(agent.secretIssuedAt(), OffsetDateTime.now()).toDays();
        return days + " d old"
                + (agent.secretExpiresAt() == null ? "" : ", ends " + Feedback.utc(agent.secretExpiresAt()));
    }

    private Dialog createDialog() {
        Dialog dialog = new Dialog();
        dialog.setHeaderTitle("New agent");
        TextField name = Forms.text("Name (its PostgreSQL user name)", "agent-name");
        TextField owner = Forms.text("Owner (login name)", "agent-owner");
        TextArea purpose = new TextArea("Purpose");
        purpose.setId("agent-purpose");
        purpose.setMaxLength(1000);
        Select<Target> target = new Select<>();
        target.setLabel("Target");
        target.setId("agent-target");
        target.setItems(targets.targets());
        target.setItemLabelGenerator(Target::name);
        TextField upstreamUser =
                Forms.text("Own upstream role (blank: the target's login role)", "agent-upstream-user");
        PasswordField upstreamPassword = new PasswordField("Its password (entered once)");
        upstreamPassword.setId("agent-upstream-password");
        Checkbox workload = new Checkbox("Proves who it is with a workload identity (OIDC token), not a secret");
        workload.setId("agent-workload");
        FormLayout form = new FormLayout(name, owner, purpose, target, upstreamUser, upstreamPassword, workload);
        form.setColspan(purpose, 2);
        form.setColspan(workload, 2);
        dialog.add(form);
        Forms.footer(dialog, "Create", "create-agent", e -> {
            NewAgent request = new NewAgent(
                    name.getValue(),
                    owner.getValue(),
                    purpose.getValue(),
                    target.getValue() == null ? null : target.getValue().id(),
                    upstreamUser.getValue(),
                    upstreamPassword.getValue(),
                    workload.getValue());
            Feedback.attempt(() -> {
                CreatedAgent created = agents.create(request);
                dialog.close();
                refresh();
                Feedback.success("Created " + created.name());
                if (created.secret() != null) {
                    Agent agent = agents.agent(created.id());
                    new SecretDialog(created.name(), created.secret(), agents.connectionHint(agent)).open();
                }
            });
        });
        return dialog;
    }
}
