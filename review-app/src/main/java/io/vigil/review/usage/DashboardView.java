package io.vigil.review.usage;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.grid.ColumnTextAlign;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.router.RouteAlias;
import io.vigil.review.security.CurrentViewer;
import io.vigil.review.security.Role;
import io.vigil.review.ui.Feedback;
import io.vigil.review.ui.MainLayout;
import jakarta.annotation.security.PermitAll;
import java.util.List;

/**
 * What needs a reviewer's attention, across the agents the viewer may see: stale agents, write and
 * DDL privileges nobody uses, secrets due for rotation, and each owner's agents. The home page.
 */
@Route(value = "dashboard", layout = MainLayout.class)
@RouteAlias(value = "", layout = MainLayout.class)
@PageTitle("Dashboard · Vigil")
@PermitAll
class DashboardView extends VerticalLayout {

    private static final long serialVersionUID = 1L;

    DashboardView(UsageService usage, CurrentViewer viewer) {
        Dashboard dashboard = usage.dashboard();
        long days = dashboard.staleAfterDays();
        add(
                new H2("Dashboard"),
                flags(
                        "Stale agents",
                        "stale",
                        "Active agents with no statement in " + days + " days: candidates to disable.",
                        dashboard.stale(),
                        "Last activity"),
                flags(
                        "Write and DDL privileges never used",
                        "unused-writes",
                        "Privileges these agents hold and no statement needed in " + days + " days.",
                        dashboard.unusedWrites(),
                        "Last activity"),
                flags(
                        "Secrets due for rotation",
                        "secrets-due",
                        "Live secrets older than the rotation age.",
                        dashboard.secretsDue(),
                        "Issued"),
                owners(dashboard.byOwner()));
        if (viewer.get().has(Role.ADMIN)) {
            Button rebuild = new Button("Rebuild usage from the trail", e -> {
                if (Feedback.attempt(usage::rebuild)) {
                    Feedback.success("Usage counted again from the trail");
                }
            });
            rebuild.setId("rebuild-usage");
            add(rebuild);
        }
    }

    private Component flags(String title, String id, String explanation, List<Dashboard.AgentFlag> flags, String when) {
        Grid<Dashboard.AgentFlag> grid = new Grid<>(Dashboard.AgentFlag.class, false);
        grid.setId(id);
        grid.addThemeVariants(GridVariant.LUMO_COMPACT, GridVariant.LUMO_ROW_STRIPES);
        grid.addColumn(Dashboard.AgentFlag::name).setHeader("Agent").setAutoWidth(true);
        grid.addColumn(Dashboard.AgentFlag::owner).setHeader("Owner").setAutoWidth(true);
        grid.addColumn(f -> f.at() == null ? "never" : Feedback.utc(f.at()))
                .setHeader(when)
                .setAutoWidth(true);
        if (flags.stream().anyMatch(f -> !f.detail().isEmpty())) {
            grid.addColumn(Dashboard.AgentFlag::detail).setHeader("Unused");
        }
        grid.setItems(flags);
        grid.setAllRowsVisible(true);
        grid.addItemClickListener(
                e -> getUI().ifPresent(ui -> ui.navigate("agent/" + e.getItem().id())));
        VerticalLayout section =
                new VerticalLayout(new H3(title + " (" + flags.size() + ")"), new Paragraph(explanation));
        section.add(flags.isEmpty() ? new Paragraph("None.") : grid);
        section.setPadding(false);
        return section;
    }

    private static Component owners(List<Dashboard.OwnerAgents> owners) {
        Grid<Dashboard.OwnerAgents> grid = new Grid<>(Dashboard.OwnerAgents.class, false);
        grid.setId("by-owner");
        grid.addThemeVariants(GridVariant.LUMO_COMPACT, GridVariant.LUMO_ROW_STRIPES);
        grid.addColumn(Dashboard.OwnerAgents::owner).setHeader("Owner").setAutoWidth(true);
        grid.addColumn(Dashboard.OwnerAgents::agents).setHeader("Agents").setTextAlign(ColumnTextAlign.END);
        grid.addColumn(Dashboard.OwnerAgents::active).setHeader("Active").setTextAlign(ColumnTextAlign.END);
        grid.addColumn(Dashboard.OwnerAgents::stale).setHeader("Stale").setTextAlign(ColumnTextAlign.END);
        grid.setItems(owners);
        grid.setAllRowsVisible(true);
        VerticalLayout section = new VerticalLayout(new H3("Agents by owner"), grid);
        section.setPadding(false);
        return section;
    }
}
