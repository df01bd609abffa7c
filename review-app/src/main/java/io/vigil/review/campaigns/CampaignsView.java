package io.vigil.review.campaigns;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.progressbar.ProgressBar;
import com.vaadin.flow.component.textfield.TextArea;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.shared.Registration;
import io.vigil.review.agents.Agent;
import io.vigil.review.agents.AgentService;
import io.vigil.review.agents.TargetService;
import io.vigil.review.security.People;
import io.vigil.review.ui.Feedback;
import io.vigil.review.ui.Forms;
import io.vigil.review.ui.Grids;
import io.vigil.review.ui.MainLayout;
import jakarta.annotation.security.PermitAll;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

/**
 * Campaigns at a glance: each one's state and progress (overdue items stand out), the definitions
 * that launch them (administrators create, edit and launch them here), and the agents reviews
 * flagged for investigation (administrators resolve them).
 */
@Route(value = "campaigns", layout = MainLayout.class)
@PageTitle("Campaigns · Vigil")
@PermitAll
class CampaignsView extends VerticalLayout {

    private static final long serialVersionUID = 1L;

    private final transient CampaignService campaigns;
    private final transient DefinitionService definitions;
    private final transient TargetService targets;
    private final transient People people;
    private final transient AgentService agents;
    private final boolean admin;
    private final Grid<CampaignSummary> campaignGrid = new Grid<>(CampaignSummary.class, false);
    private final Grid<CampaignDefinition> definitionGrid = new Grid<>(CampaignDefinition.class, false);
    private final Grid<Flag> flagGrid = new Grid<>(Flag.class, false);

    CampaignsView(
            CampaignService campaigns,
            DefinitionService definitions,
            TargetService targets,
            People people,
            AgentService agents,
            io.vigil.review.security.CurrentViewer viewer) {
        this.people = people;
        this.agents = agents;
        this.campaigns = campaigns;
        this.definitions = definitions;
        this.targets = targets;
        this.admin = viewer.get().has(io.vigil.review.security.Role.ADMIN);
        setSizeFull();
        configureCampaigns();
        configureDefinitions();
        configureFlags();
        HorizontalLayout definitionHeader = new HorizontalLayout(new H3("Definitions"));
        if (admin) {
            Button create = new Button(
                    "New definition",
                    e -> new DefinitionForm(definitions, targets, people(), agentOwners(), null, this::refresh).open());
            create.setId("new-definition");
            create.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
            definitionHeader.add(create);
        }
        definitionHeader.setAlignItems(Alignment.BASELINE);
        add(new H2("Campaigns"), campaignGrid, definitionHeader, definitionGrid, new H3("Flagged agents"), flagGrid);
        refresh();
    }

    private void configureCampaigns() {
        campaignGrid.setId("campaigns");
        campaignGrid.addThemeVariants(GridVariant.LUMO_ROW_STRIPES, GridVariant.LUMO_COMPACT);
        Grids.flexible(campaignGrid.addColumn(CampaignSummary::name).setHeader("Campaign"));
        Grids.wrapping(campaignGrid);
        campaignGrid
                .addColumn(c -> c.state() + (c.state().equals("review") ? " (stage " + c.stage() + ")" : ""))
                .setHeader("State")
                .setAutoWidth(true);
        campaignGrid
                .addComponentColumn(CampaignsView::progress)
                .setHeader("Decided")
                .setWidth("14rem");
        campaignGrid
                .addComponentColumn(CampaignsView::overdue)
                .setHeader("Overdue")
                .setAutoWidth(true);
        campaignGrid.addColumn(c -> Feedback.utc(c.dueAt())).setHeader("Due").setAutoWidth(true);
        campaignGrid
                .addColumn(c -> Feedback.utc(c.launchedAt()))
                .setHeader("Launched")
                .setAutoWidth(true);
        campaignGrid.addItemClickListener(e ->
                getUI().ifPresent(ui -> ui.navigate("campaign/" + e.getItem().id())));
    }

    private void configureDefinitions() {
        definitionGrid.setId("definitions");
        definitionGrid.addThemeVariants(GridVariant.LUMO_ROW_STRIPES, GridVariant.LUMO_COMPACT);
        definitionGrid
                .addColumn(CampaignDefinition::name)
                .setHeader("Definition")
                .setAutoWidth(false)
                .setWidth("7rem")
                .setFlexGrow(1);
        Grids.wrapping(definitionGrid);
        definitionGrid
                .addColumn(d -> d.enabled()
                        ? definitions.nextLaunch(d.id()).map(Feedback::utc).orElse("—")
                        : "disabled")
                .setHeader("Next launch")
                .setAutoWidth(true);
        definitionGrid.addColumn(CampaignsView::scope).setHeader("Scope").setAutoWidth(true);
        definitionGrid
                .addColumn(d -> Durations.words(d.review()) + (d.twoStages() ? " + second stage" : ""))
                .setHeader("Review")
                .setAutoWidth(true);
        definitionGrid
                .addColumn(CampaignDefinition::defaultDecision)
                .setHeader("If undecided")
                .setAutoWidth(true);
        definitionGrid
                .addColumn(CampaignDefinition::owner)
                .setHeader("Signed off by")
                .setAutoWidth(true);
        if (admin) {
            definitionGrid.addComponentColumn(this::definitionActions).setAutoWidth(true);
        }
    }

    private Component definitionActions(CampaignDefinition d) {
        Button edit = new Button(
                "Edit",
                e -> new DefinitionForm(definitions, targets, people(), agentOwners(), d, this::refresh).open());
        Button launch = new Button("Launch now", e -> launchNow(d));
        launch.setId("launch-" + d.name());
        return new HorizontalLayout(edit, launch);
    }

    /**
     * Asks for a launch, then watches for the campaign it makes (the scheduler runs it a moment
     * later) and says what was launched, with the list refreshed to show it.
     */
    private void launchNow(CampaignDefinition d) {
        OffsetDateTime asked = OffsetDateTime.now(ZoneOffset.UTC).minusSeconds(1);
        String[] said = new String[1];
        if (!Feedback.attempt(() -> said[0] = definitions.launchNow(d.id()))) {
            return;
        }
        Feedback.success(said[0]);
        UI ui = UI.getCurrent();
        long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        ui.setPollInterval(500);
        Registration[] watch = new Registration[1];
        watch[0] = ui.addPollListener(poll -> {
            var launched = campaigns.launchedSince(d.id(), asked);
            if (launched.isPresent() || System.nanoTime() > until) {
                watch[0].remove();
                ui.setPollInterval(-1);
                launched.ifPresent(c -> {
                    Feedback.success("Launched " + c.name() + ": " + c.items() + " agent(s) under review, due "
                            + Feedback.utc(c.dueAt()));
                    refresh();
                });
            }
        });
    }

    private void configureFlags() {
        flagGrid.setId("flags");
        flagGrid.addThemeVariants(GridVariant.LUMO_ROW_STRIPES, GridVariant.LUMO_COMPACT);
        flagGrid.addColumn(Flag::agent).setHeader("Agent").setAutoWidth(true);
        flagGrid.addColumn(f -> f.raisedBy() + ", " + Feedback.utc(f.raisedAt()))
                .setHeader("Raised")
                .setAutoWidth(true);
        Grids.flexible(flagGrid.addColumn(Flag::reason).setHeader("Why"));
        Grids.wrapping(flagGrid);
        flagGrid.addComponentColumn(this::flagState).setHeader("State").setAutoWidth(true);
    }

    private Component flagState(Flag f) {
        if (!f.open()) {
            return new Span("resolved by " + f.resolvedBy() + ": " + f.resolution());
        }
        if (!admin) {
            return new Span("open");
        }
        return new Button("Resolve", e -> resolve(f));
    }

    private void resolve(Flag f) {
        Dialog dialog = new Dialog("Resolve the flag on " + f.agent());
        TextArea note = new TextArea("What was found and done");
        note.setWidthFull();
        dialog.add(note);
        Forms.footer(dialog, "Resolve", "resolve-flag", e -> {
            if (Feedback.attempt(() -> campaigns.resolveFlag(f.id(), note.getValue()))) {
                dialog.close();
                refresh();
            }
        });
        dialog.open();
    }

    private void refresh() {
        List<CampaignSummary> all = campaigns.campaigns();
        campaignGrid.setItems(all);
        Grids.fit(campaignGrid, all.size());
        List<CampaignDefinition> defs = definitions.definitions();
        definitionGrid.setItems(defs);
        Grids.fit(definitionGrid, defs.size());
        List<Flag> flags = campaigns.flags();
        flagGrid.setItems(flags);
        Grids.fit(flagGrid, flags.size());
    }

    static Component progress(CampaignSummary c) {
        ProgressBar bar = new ProgressBar(0, Math.max(1, c.items()), c.decided());
        bar.setWidth("7rem");
        HorizontalLayout row = new HorizontalLayout(bar, new Span(c.decided() + " / " + c.items()));
        row.setAlignItems(Alignment.CENTER);
        return row;
    }

    static Component overdue(CampaignSummary c) {
        Span s = new Span(Integer.toString(c.overdue()));
        if (c.overdue() > 0) {
            s.getElement().getThemeList().add("badge error");
        }
        return s;
    }

    private static String scope(CampaignDefinition d) {
        if (d.scopeTargets().isEmpty()
                && d.scopeOwners().isEmpty()
                && d.scopeTags().isEmpty()) {
            return "every agent";
        }
        StringBuilder s = new StringBuilder();
        if (!d.scopeTargets().isEmpty()) {
            s.append(d.scopeTargets().size()).append(" target(s) ");
        }
        if (!d.scopeOwners().isEmpty()) {
            s.append("owners ").append(String.join(", ", d.scopeOwners())).append(' ');
        }
        if (!d.scopeTags().isEmpty()) {
            s.append("tags ").append(String.join(", ", d.scopeTags()));
        }
        return s.toString().strip();
    }

    /** The people a definition may name as reviewers or owner: those Vigil knows and not gone. */
    private List<String> people() {
        return people.people().stream()
                .filter(p -> !p.gone())
                .map(People.Person::login)
                .toList();
    }

    private List<String> agentOwners() {
        return agents.agents().stream().map(Agent::owner).distinct().toList();
    }
}
