package io.vigil.review.usage;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.Text;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.grid.ColumnTextAlign;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.PasswordField;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.router.BeforeEvent;
import com.vaadin.flow.router.HasUrlParameter;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import io.vigil.review.agents.Agent;
import io.vigil.review.agents.AgentService;
import io.vigil.review.agents.SecretDialog;
import io.vigil.review.agents.TargetService;
import io.vigil.review.approvals.ApprovalService;
import io.vigil.review.sessions.SessionFilter;
import io.vigil.review.sessions.SessionService;
import io.vigil.review.sessions.SessionSummary;
import io.vigil.review.ui.Feedback;
import io.vigil.review.ui.Grids;
import io.vigil.review.ui.MainLayout;
import io.vigil.review.ui.RelationLabels;
import jakarta.annotation.security.PermitAll;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import java.util.function.BiConsumer;
import org.springframework.security.access.AccessDeniedException;

/**
 * One agent: who owns it and how it logs in, what it did (activity over time, tables touched), what
 * it may do next to what it used (the grant-versus-usage matrix), its sessions and the people and
 * tasks it acted for; and the actions the viewer may take on it.
 */
@Route(value = "agent", layout = MainLayout.class)
@PageTitle("Agent · Vigil")
@PermitAll
class AgentView extends VerticalLayout implements HasUrlParameter<String> {

    private static final long serialVersionUID = 1L;
    private static final int CHART_DAYS = 30;

    private final transient AgentService agents;
    private final transient UsageService usage;
    private final transient GrantService grants;
    private final transient SessionService sessions;
    private final transient TargetService targets;
    private final transient ApprovalService approvals;
    private transient Agent agent;

    AgentView(
            AgentService agents,
            UsageService usage,
            GrantService grants,
            SessionService sessions,
            TargetService targets,
            ApprovalService approvals) {
        this.targets = targets;
        this.approvals = approvals;
        this.agents = agents;
        this.usage = usage;
        this.grants = grants;
        this.sessions = sessions;
    }

    @Override
    public void setParameter(BeforeEvent event, String id) {
        removeAll();
        try {
            agent = agents.agent(UUID.fromString(id));
        } catch (IllegalArgumentException | AccessDeniedException e) {
            Paragraph none = new Paragraph("There is no agent here that you may see.");
            none.setId("no-agent");
            add(none);
            return;
        }
        render();
    }

    private void render() {
        removeAll();
        H2 title = new H2(agent.name());
        title.setId("agent-title");
        add(title, details(), actions(), activity(), standing(), relations(), matrix(), sessionsOf(), seen());
    }

    private Component details() {
        Div details = new Div();
        details.setId("agent-details");
        line(details, "Owner", agent.owner());
        line(details, "Purpose", agent.purpose());
        line(details, "Status", agent.status());
        line(details, "Target", agent.targetName());
        line(
                details,
                "Upstream role",
                agent.upstreamRole() + (agent.ownRole() ? " (its own)" : " (the target's login role, shared)"));
        String problem = targets.roleProblem(agent.targetId(), agent.upstreamRole());
        Span check = new Span(problem.isEmpty() ? "may be used: it cannot reach past Vigil" : problem);
        check.setId("upstream-role-check");
        check.getElement().getThemeList().add(problem.isEmpty() ? "badge success" : "badge error");
        Div role = new Div(new Span("Upstream role check: "), check);
        details.add(role);
        line(
                details,
                "Proves who it is with",
                agent.workloadIdentity() ? "a workload identity (OIDC token)" : "a Vigil-issued secret");
        if (!agent.workloadIdentity()) {
            line(
                    details,
                    "Secret issued",
                    agent.secretIssuedAt() == null ? "none live" : Feedback.utc(agent.secretIssuedAt()));
            line(
                    details,
                    "Secret ends",
                    agent.secretExpiresAt() == null ? "does not expire" : Feedback.utc(agent.secretExpiresAt()));
        }
        line(details, "Created", Feedback.utc(agent.createdAt()));
        line(details, "Last activity", agent.lastActivity() == null ? "never" : Feedback.utc(agent.lastActivity()));
        return details;
    }

    private static void line(Div into, String label, String value) {
        Span l = new Span(label + ": ");
        l.getStyle().set("font-weight", "600");
        into.add(new Div(l, new Text(value == null ? "" : value)));
    }

    /** Only the buttons the viewer may use; the service checks again on every call. */
    private Component actions() {
        HorizontalLayout bar = new HorizontalLayout();
        bar.setId("agent-actions");
        if (!agents.mayActOn(agent)) {
            return bar;
        }
        if (!agent.workloadIdentity()) {
            bar.add(button(
                    "Rotate secret",
                    "rotate-secret",
                    () -> confirm(
                            "Rotate the secret of " + agent.name() + "?",
                            "A new secret is issued and shown once. The current one keeps working for "
                                    + agents.rotationOverlap().toHours() + " h, then stops: whatever uses it"
                                    + " must get the new one by then.",
                            () -> {
                                String secret = agents.rotateSecret(agent.id());
                                new SecretDialog(agent.name(), secret, agents.connectionHint(agent)).open();
                                Feedback.success("New secret issued; the old one works for "
                                        + agents.rotationOverlap().toHours() + " h");
                            })));
        }
        if (agent.active()) {
            bar.add(button(
                    "Disable",
                    "disable-agent",
                    () -> ask("Disable " + agent.name(), "Reason", false, (reason, x) -> {
                        agents.disable(agent.id(), reason);
                        Feedback.success(agent.name() + " is disabled: its sessions end within a second");
                    })));
        } else {
            bar.add(button(
                    "Re-enable",
                    "enable-agent",
                    () -> ask("Re-enable " + agent.name(), "Reason", false, (reason, x) -> {
                        agents.enable(agent.id(), reason);
                        Feedback.success(agent.name() + " may log in again");
                    })));
        }
        bar.add(button(
                "Describe purpose",
                "describe-agent",
                () -> ask(
                        "Purpose of " + agent.name(),
                        "Purpose",
                        false,
                        (purpose, x) -> agents.describe(agent.id(), purpose))));
        if (agents.mayManage()) {
            bar.add(button(
                    "Transfer ownership",
                    "transfer-agent",
                    () -> ask(
                            "New owner of " + agent.name(),
                            "Owner (login name)",
                            false,
                            (owner, x) -> agents.transfer(agent.id(), owner))));
            bar.add(button(
                    "Tags",
                    "tag-agent",
                    () -> ask(
                            "Tags of " + agent.name() + " (comma-separated; campaigns may be scoped by them)",
                            "Tags",
                            false,
                            (tags, x) -> agents.tag(agent.id(), java.util.Arrays.asList(tags.split(","))))));
            bar.add(button(
                    "Upstream role",
                    "upstream-role",
                    () -> ask(
                            "Upstream role of " + agent.name() + " (blank: the target's login role)",
                            "Role",
                            true,
                            (role, password) -> agents.changeUpstreamRole(agent.id(), role, password))));
        }
        return bar;
    }

    private Button button(String label, String id, Runnable action) {
        Button b = new Button(label, e -> Feedback.attempt(action));
        b.setId(id);
        return b;
    }

    /** Asks before an action that cannot be undone; runs {@code then} on Confirm. */
    private void confirm(String title, String text, Runnable then) {
        Dialog dialog = new Dialog();
        dialog.setHeaderTitle(title);
        Paragraph explanation = new Paragraph(text);
        explanation.setId("confirm-text");
        dialog.add(explanation);
        Button confirm = new Button("Confirm", e -> {
            if (Feedback.attempt(then)) {
                dialog.close();
                reload();
            }
        });
        confirm.setId("action-confirm");
        confirm.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        Button cancel = new Button("Cancel", e -> dialog.close());
        cancel.setId("action-cancel");
        dialog.getFooter().add(cancel, confirm);
        dialog.open();
    }

    /** A small dialog asking for one value (and a password when {@code withPassword}); runs {@code then}. */
    private void ask(String title, String label, boolean withPassword, BiConsumer<String, String> then) {
        Dialog dialog = new Dialog();
        dialog.setHeaderTitle(title);
        TextField input = new TextField(label);
        input.setId("action-input");
        input.setWidthFull();
        PasswordField password = new PasswordField("Password (entered once)");
        password.setId("action-password");
        dialog.add(input);
        if (withPassword) {
            dialog.add(password);
        }
        Button confirm = new Button("Confirm", e -> {
            if (Feedback.attempt(() -> then.accept(input.getValue(), password.getValue()))) {
                dialog.close();
                reload();
            }
        });
        confirm.setId("action-confirm");
        confirm.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        dialog.getFooter().add(new Button("Cancel", e -> dialog.close()), confirm);
        dialog.open();
    }

    private void reload() {
        agent = agents.agent(agent.id());
        render();
    }

    private Component activity() {
        LocalDate to = LocalDate.now(ZoneOffset.UTC);
        LocalDate from = to.minusDays(CHART_DAYS - 1);
        List<DayUsage> days = usage.activity(agent.id(), from);
        long statements = days.stream().mapToLong(DayUsage::statements).sum();
        long denials = days.stream().mapToLong(DayUsage::denials).sum();
        ActivityBars chart = new ActivityBars(ActivityChart.series(days, from, to), from, CHART_DAYS);
        Paragraph totals =
                new Paragraph(statements + " statements in the last " + CHART_DAYS + " days, " + denials + " denied");
        totals.setId("activity-totals");
        ApprovalService.Tally tally =
                approvals.tally(agent.id(), from.atStartOfDay().atOffset(ZoneOffset.UTC));
        Paragraph signedOff = new Paragraph(
                tally.requested() == 0
                        ? "No statement asked for a person's approval in the last " + CHART_DAYS + " days"
                        : tally.requested() + " statements asked for a person's approval in the last " + CHART_DAYS
                                + " days: "
                                + tally.granted() + " approved, " + tally.denied() + " denied, " + tally.expired()
                                + " expired undecided");
        signedOff.setId("approval-totals");
        return new VerticalLayout(new H3("Activity"), totals, signedOff, chart);
    }

    private Component relations() {
        Grid<RelationUsage> grid = new Grid<>(RelationUsage.class, false);
        grid.setId("relations");
        grid.addThemeVariants(GridVariant.LUMO_COMPACT, GridVariant.LUMO_ROW_STRIPES);
        grid.addColumn(u -> RelationLabels.label(u.relation()))
                .setHeader("Relation")
                .setAutoWidth(true);
        grid.addColumn(RelationUsage::operation).setHeader("Operation").setAutoWidth(true);
        grid.addColumn(RelationUsage::statements).setHeader("Statements").setTextAlign(ColumnTextAlign.END);
        grid.addColumn(RelationUsage::rows).setHeader("Rows").setTextAlign(ColumnTextAlign.END);
        grid.addColumn(RelationUsage::errors).setHeader("Errors").setTextAlign(ColumnTextAlign.END);
        grid.addColumn(RelationUsage::denials).setHeader("Denied").setTextAlign(ColumnTextAlign.END);
        grid.addColumn(u -> Feedback.utc(u.lastAt())).setHeader("Last used").setAutoWidth(true);
        List<RelationUsage> touched = usage.relations(agent.id(), LocalDate.EPOCH);
        grid.setItems(touched);
        Grids.fit(grid, touched.size());
        return new VerticalLayout(new H3("Tables touched"), grid);
    }

    private Component matrix() {
        List<Grant> held = grants.grants(agent.id());
        GrantUsageMatrix matrix = usage.matrix(agent.id(), held);
        Grid<GrantUsageMatrix.Row> grid = new Grid<>();
        grid.setId("matrix");
        grid.addThemeVariants(GridVariant.LUMO_COMPACT, GridVariant.LUMO_COLUMN_BORDERS);
        grid.addColumn(GrantUsageMatrix.Row::relation).setHeader("Relation").setAutoWidth(true);
        for (String privilege : GrantUsageMatrix.PRIVILEGES) {
            grid.addComponentColumn(row -> cell(row.cell(privilege)))
                    .setHeader(privilege.equals("OWNER") ? "DDL (owner)" : privilege)
                    .setAutoWidth(true);
        }
        grid.setItems(matrix.rows());
        Grids.fit(grid, matrix.rows().size());
        Span state = new Span(readState());
        state.setId("grants-read");
        Button refresh = new Button("Read privileges now", e -> {
            if (Feedback.attempt(() -> grants.refresh(agent.id()))) {
                render();
            }
        });
        refresh.setId("refresh-grants");
        Paragraph legend = new Paragraph("Used: the last statement within " + usage.staleAfterDays()
                + " days that needed the privilege. Held but unused privileges are marked: a review should ask"
                + " whether the agent needs them.");
        List<Grant> others =
                held.stream().filter(g -> !g.kind().equals("table")).toList();
        Paragraph other = new Paragraph(
                others.isEmpty()
                        ? "No column, schema, membership or role-attribute privileges."
                        : "Also: "
                                + String.join(
                                        "; ",
                                        others.stream()
                                                .map(g -> g.kind() + " " + g.object() + " " + g.privilege() + " ("
                                                        + g.via() + ")")
                                                .toList()));
        other.setId("other-grants");
        Paragraph catalogs = new Paragraph(
                matrix.catalogReads().isEmpty()
                        ? "Read no PostgreSQL catalogs."
                        : "PostgreSQL catalogs read (not the agent's tables): "
                                + String.join(", ", matrix.catalogReads()));
        catalogs.setId("catalog-reads");
        Paragraph missing = new Paragraph(
                matrix.missing().isEmpty()
                        ? "Named no relation that did not exist."
                        : "Named but did not exist when the statement ran: " + String.join(", ", matrix.missing()));
        missing.setId("missing-relations");
        return new VerticalLayout(
                new H3("Privileges held and used"),
                new HorizontalLayout(state, refresh),
                legend,
                grid,
                other,
                catalogs,
                missing);
    }

    private String readState() {
        return grants.readState(agent.id())
                .map(s -> "Read from the target as role " + s.role()
                        + (s.readAt() == null ? ": never successfully" : " at " + Feedback.utc(s.readAt()))
                        + (s.error() == null ? "" : "; the last read failed: " + s.error()))
                .orElse("Not read from the target yet.");
    }

    private static Component cell(GrantUsageMatrix.Cell cell) {
        Span span = new Span();
        if (cell.held() && cell.used()) {
            span.setText("used " + Feedback.utc(cell.lastUsed()));
            span.getElement().getThemeList().add("badge success");
        } else if (cell.unused()) {
            span.setText("held, unused");
            span.getElement().getThemeList().add("badge error");
            span.addClassName("unused-privilege");
        } else if (cell.usedWithoutGrant()) {
            span.setText("used, not held");
            span.getElement().getThemeList().add("badge contrast");
        }
        if (cell.held()) {
            span.setTitle("held " + cell.via());
        }
        return span;
    }

    /** Statements of this agent an administrator approved ahead of time; withdrawable by administrators. */
    private Component standing() {
        List<ApprovalService.Standing> all = approvals.standingOf(agent.id());
        VerticalLayout section = new VerticalLayout(new H3("Standing approvals"));
        section.setId("standing-approvals");
        if (all.isEmpty()) {
            section.add(new Paragraph("None: every statement policy sends for review waits for a person."));
            return section;
        }
        Grid<ApprovalService.Standing> grid = new Grid<>(ApprovalService.Standing.class, false);
        grid.addThemeVariants(GridVariant.LUMO_COMPACT, GridVariant.LUMO_WRAP_CELL_CONTENT);
        grid.addColumn(ApprovalService.Standing::sql).setHeader("Statement").setFlexGrow(3);
        grid.addColumn(ApprovalService.Standing::terms).setHeader("Terms").setFlexGrow(2);
        grid.addColumn(ApprovalService.Standing::uses).setHeader("Runs").setAutoWidth(true);
        grid.addColumn(st -> st.grantedBy() + ", " + Feedback.utc(st.grantedAt()) + ": " + st.reason())
                .setHeader("Granted")
                .setFlexGrow(2);
        grid.addComponentColumn(st -> {
                    if (st.withdrawnBy() != null) {
                        return new Span("withdrawn by " + st.withdrawnBy() + ", " + Feedback.utc(st.withdrawnAt()));
                    }
                    if (!st.inForce()) {
                        return new Span("used up or ended");
                    }
                    if (!approvals.mayGrantStanding()) {
                        return new Span("in force");
                    }
                    Button withdraw = new Button("Withdraw", e -> {
                        if (Feedback.attempt(() -> approvals.withdrawStanding(st.id()))) {
                            Feedback.success("Withdrawn: it waits for a person again");
                            reload();
                        }
                    });
                    withdraw.addClassName("withdraw-standing");
                    return withdraw;
                })
                .setHeader("State")
                .setAutoWidth(true);
        grid.setItems(all);
        grid.setAllRowsVisible(true);
        section.add(grid);
        return section;
    }

    private Component sessionsOf() {
        Grid<SessionSummary> grid = new Grid<>(SessionSummary.class, false);
        grid.setId("agent-sessions");
        grid.addThemeVariants(GridVariant.LUMO_COMPACT, GridVariant.LUMO_ROW_STRIPES);
        grid.addColumn(s -> Feedback.utc(s.startedAt())).setHeader("Started").setAutoWidth(true);
        grid.addColumn(s -> s.live() ? "live" : Feedback.utc(s.endedAt()))
                .setHeader("Ended")
                .setAutoWidth(true);
        grid.addColumn(SessionSummary::clientAddress).setHeader("Client").setAutoWidth(true);
        grid.addColumn(SessionSummary::applicationName).setHeader("Application").setAutoWidth(true);
        grid.addColumn(SessionSummary::statements).setHeader("Statements").setTextAlign(ColumnTextAlign.END);
        grid.setItems(sessions.sessions(SessionFilter.ANY.withAgent(agent.name()), 0, 10));
        grid.setAllRowsVisible(true);
        grid.addItemClickListener(e ->
                getUI().ifPresent(ui -> ui.navigate("session/" + e.getItem().id())));
        Anchor all = new Anchor(
                "sessions?agent=" + URLEncoder.encode(agent.name(), StandardCharsets.UTF_8),
                "All sessions of " + agent.name());
        all.setId("all-sessions");
        return new VerticalLayout(new H3("Latest sessions"), grid, all);
    }

    private Component seen() {
        return new HorizontalLayout(
                people("On behalf of", "on-behalf-of", usage.onBehalfOf(agent.id())),
                people("Tasks", "tasks", usage.tasks(agent.id())));
    }

    private static Component people(String title, String id, List<PersonSeen> seen) {
        Grid<PersonSeen> grid = new Grid<>(PersonSeen.class, false);
        grid.setId(id);
        grid.addThemeVariants(GridVariant.LUMO_COMPACT);
        grid.addColumn(PersonSeen::value).setHeader(title).setAutoWidth(true);
        grid.addColumn(PersonSeen::sessions).setHeader("Sessions").setTextAlign(ColumnTextAlign.END);
        grid.addColumn(p -> Feedback.utc(p.lastAt())).setHeader("Last").setAutoWidth(true);
        grid.setItems(seen);
        Grids.fit(grid, seen.size());
        grid.setWidth("28rem");
        return new VerticalLayout(new H3(title), seen.isEmpty() ? new Paragraph("None recorded.") : grid);
    }
}
