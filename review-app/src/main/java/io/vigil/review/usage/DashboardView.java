package io.vigil.review.usage;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.grid.ColumnTextAlign;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.FlexLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.router.RouteAlias;
import com.vaadin.flow.router.RouterLink;
import io.vigil.review.security.CurrentViewer;
import io.vigil.review.security.Role;
import io.vigil.review.ui.Feedback;
import io.vigil.review.ui.Grids;
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

    /**
     * How many of each list show at first: at a thousand agents, a dashboard that draws every flagged
     * one is slow to read and to render; the worst come first and the rest are a click away.
     */
    private static final int FIRST = 10;

    DashboardView(UsageService usage, CurrentViewer viewer) {
        Dashboard dashboard = usage.dashboard();
        long days = dashboard.staleAfterDays();
        add(new H2("Dashboard"), figures(dashboard));
        add(
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
                    Feedback.success("The rollups are being counted again from the trail, in the background");
                }
            });
            rebuild.setId("rebuild-usage");
            add(rebuild);
        }
    }

    /**
     * The few numbers that say where action is needed, first: each names what to do about it, and
     * is marked when it is not zero. The lists below say which agents.
     */
    private static Component figures(Dashboard dashboard) {
        long active = dashboard.byOwner().stream()
                .mapToLong(Dashboard.OwnerAgents::active)
                .sum();
        FlexLayout figures = new FlexLayout(
                figure("figure-stale", dashboard.stale().size(), "stale agents", "disable them, or say why not", true),
                figure(
                        "figure-unused-writes",
                        dashboard.unusedWrites().size(),
                        "agents with unused write privileges",
                        "reduce them",
                        true),
                figure(
                        "figure-secrets-due",
                        dashboard.secretsDue().size(),
                        "secrets due for rotation",
                        "rotate them",
                        true),
                figure("figure-active", active, "active agents", "all you may see", false));
        figures.setFlexWrap(FlexLayout.FlexWrap.WRAP);
        figures.getStyle().set("gap", "var(--lumo-space-m)");
        figures.setId("figures");
        return figures;
    }

    private static Component figure(String id, long count, String what, String action, boolean needsAction) {
        Span number = new Span(Long.toString(count));
        number.getStyle()
                .set("font-size", "var(--lumo-font-size-xxxl)")
                .set("font-weight", "600")
                .set("line-height", "1");
        boolean marked = needsAction && count > 0;
        if (marked) {
            number.getStyle().set("color", "var(--lumo-error-text-color)");
        }
        Span label = new Span(what);
        label.getStyle().set("font-weight", "500");
        Span hint = new Span(marked ? action : needsAction ? "nothing to do" : action);
        hint.getStyle().set("color", "var(--lumo-secondary-text-color)").set("font-size", "var(--lumo-font-size-s)");
        Div tile = new Div(number, label, hint);
        tile.setId(id);
        tile.getStyle()
                .set("display", "flex")
                .set("flex-direction", "column")
                .set("gap", "var(--lumo-space-xs)")
                .set("padding", "var(--lumo-space-m)")
                .set("min-width", "13rem")
                .set("border", "1px solid var(--lumo-contrast-10pct)")
                .set("border-left", "4px solid " + (marked ? "var(--lumo-error-color)" : "var(--lumo-contrast-20pct)"))
                .set("border-radius", "var(--lumo-border-radius-l)");
        return tile;
    }

    /** One list of flagged agents: the first {@link #FIRST}, and the rest a click away. */
    private Component flags(String title, String id, String explanation, List<Dashboard.AgentFlag> flags, String when) {
        VerticalLayout section =
                new VerticalLayout(new H3(title + " (" + flags.size() + ")"), new Paragraph(explanation));
        section.setPadding(false);
        if (flags.isEmpty()) {
            section.add(new Paragraph("None."));
            return section;
        }
        Grid<Dashboard.AgentFlag> grid = new Grid<>(Dashboard.AgentFlag.class, false);
        grid.setId(id);
        grid.addThemeVariants(GridVariant.LUMO_COMPACT, GridVariant.LUMO_ROW_STRIPES);
        grid.addComponentColumn(f -> new RouterLink(f.name(), AgentView.class, f.id().toString()))
                .setHeader("Agent")
                .setAutoWidth(true);
        grid.addColumn(Dashboard.AgentFlag::owner).setHeader("Owner").setAutoWidth(true);
        grid.addColumn(f -> f.at() == null ? "never" : Feedback.utc(f.at()))
                .setHeader(when)
                .setAutoWidth(true);
        if (flags.stream().anyMatch(f -> !f.detail().isEmpty())) {
            grid.addColumn(Dashboard.AgentFlag::detail).setHeader("Unused");
        }
        List<Dashboard.AgentFlag> first = flags.subList(0, Math.min(FIRST, flags.size()));
        grid.setItems(first);
        Grids.fit(grid, first.size());
        section.add(grid);
        if (flags.size() > FIRST) {
            Button all = new Button("Show all " + flags.size(), e -> {
                grid.setItems(flags);
                Grids.fit(grid, flags.size());
                e.getSource().setVisible(false);
            });
            all.setId(id + "-all");
            section.add(all);
        }
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
        Grids.fit(grid, owners.size());
        VerticalLayout section = new VerticalLayout(new H3("Agents by owner"), grid);
        section.setPadding(false);
        return section;
    }
}
