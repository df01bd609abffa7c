package io.vigil.review.evidence;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.combobox.ComboBox;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.progressbar.ProgressBar;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.shared.Registration;
import io.vigil.review.agents.Agent;
import io.vigil.review.agents.AgentService;
import io.vigil.review.ui.Feedback;
import io.vigil.review.ui.Grids;
import io.vigil.review.ui.MainLayout;
import jakarta.annotation.security.RolesAllowed;
import java.util.List;

/**
 * The auditor's page: every campaign with its evidence pack (generate, watch it progress, download
 * the workbook, the PDF or the whole signed pack), and any agent's review history across campaigns.
 */
@Route(value = "evidence", layout = MainLayout.class)
@PageTitle("Evidence · Vigil")
@RolesAllowed({"AUDITOR", "ADMIN"})
class EvidenceView extends VerticalLayout {

    private static final long serialVersionUID = 1L;
    private static final int POLL_MILLIS = 1000;

    private final transient EvidencePacks packs;
    private final Grid<EvidencePacks.CampaignPack> grid = new Grid<>(EvidencePacks.CampaignPack.class, false);
    private Registration polling;

    EvidenceView(EvidencePacks packs, AgentService agents) {
        this.packs = packs;
        setSizeFull();
        configureGrid();
        add(
                new H2("Evidence"),
                new Paragraph("Each campaign's evidence pack: a workbook and a PDF with the population, every"
                        + " item's evidence, recommendation and decision, the remediation and its verification,"
                        + " the sign-off and the audit trail's integrity, plus a manifest of their SHA-256 signed"
                        + " with Vigil's trail key. Check a pack with: vigil audit verify --public-key <key>"
                        + " --pack <zip>. A campaign's final pack is generated when it closes."),
                grid,
                new H3("An agent's review history"),
                history(agents.agents()));
        refresh();
    }

    private void configureGrid() {
        grid.setId("evidence-campaigns");
        grid.addThemeVariants(GridVariant.LUMO_ROW_STRIPES, GridVariant.LUMO_COMPACT);
        Grids.flexible(grid.addColumn(EvidencePacks.CampaignPack::campaign).setHeader("Campaign"));
        Grids.wrapping(grid);
        grid.addColumn(EvidencePacks.CampaignPack::campaignState)
                .setHeader("State")
                .setAutoWidth(true);
        grid.addColumn(c -> Feedback.utc(c.launchedAt())).setHeader("Launched").setAutoWidth(true);
        grid.addColumn(c -> Feedback.utc(c.closedAt())).setHeader("Closed").setAutoWidth(true);
        Grids.flexible(grid.addComponentColumn(this::packState).setHeader("Pack"));
        grid.addComponentColumn(this::actions).setHeader("").setWidth("13rem").setFlexGrow(0);
    }

    private Component packState(EvidencePacks.CampaignPack c) {
        if (c.packState() == null) {
            return new Span("not generated yet");
        }
        return switch (c.packState()) {
            case "running" -> {
                ProgressBar bar = new ProgressBar(0, 1, c.progress());
                bar.setId("pack-progress-" + c.campaignId());
                VerticalLayout box =
                        new VerticalLayout(new Span("generating, " + Math.round(c.progress() * 100) + " %"), bar);
                box.setPadding(false);
                box.setSpacing(false);
                yield box;
            }
            case "ready" -> {
                Span ready = new Span("ready " + Feedback.utc(c.finishedAt()) + " (" + c.items() + " items, by "
                        + c.requestedBy() + ")");
                ready.setId("pack-ready-" + c.campaignId());
                yield ready;
            }
            default -> {
                Span failed = new Span("failed: " + c.error());
                failed.getStyle().set("color", "var(--lumo-error-text-color)");
                yield failed;
            }
        };
    }

    /** The downloads one under the other, then the button: narrow enough for a laptop's width. */
    private Component actions(EvidencePacks.CampaignPack c) {
        VerticalLayout row = new VerticalLayout();
        row.setPadding(false);
        row.setSpacing(false);
        if (c.downloadable()) {
            String base = EvidenceDownloads.BASE + c.campaignId() + "/";
            row.add(
                    download(base + EvidencePacks.XLSX, "Excel", "download-xlsx-" + c.campaignId()),
                    download(base + EvidencePacks.PDF, "PDF", "download-pdf-" + c.campaignId()),
                    download(base + "pack.zip", "Signed pack (zip)", "download-zip-" + c.campaignId()));
        }
        if (!c.running()) {
            Button generate = new Button(c.downloadable() ? "Generate again" : "Generate", e -> {
                if (Feedback.attempt(() -> packs.request(c.campaignId()))) {
                    refresh();
                }
            });
            generate.setId("generate-" + c.campaignId());
            generate.addThemeVariants(ButtonVariant.LUMO_SMALL);
            row.add(generate);
        }
        return row;
    }

    private static Anchor download(String href, String text, String id) {
        Anchor a = new Anchor(href, text);
        a.getElement().setAttribute("download", true);
        a.getElement().setAttribute("router-ignore", true);
        a.setId(id);
        return a;
    }

    private Component history(List<Agent> agents) {
        ComboBox<Agent> agent = new ComboBox<>("Agent", agents);
        agent.setItemLabelGenerator(Agent::name);
        agent.setId("history-agent");
        agent.setWidth("22rem");
        Anchor link = download("", "Download the history (Excel)", "download-history");
        link.setEnabled(false);
        agent.addValueChangeListener(e -> {
            link.setEnabled(e.getValue() != null);
            link.setHref(
                    e.getValue() == null
                            ? ""
                            : EvidenceDownloads.HISTORY + e.getValue().id());
        });
        HorizontalLayout row = new HorizontalLayout(agent, link);
        row.setAlignItems(Alignment.BASELINE);
        return row;
    }

    private void refresh() {
        List<EvidencePacks.CampaignPack> all = packs.campaigns();
        grid.setItems(all);
        Grids.fit(grid, all.size());
        boolean running = all.stream().anyMatch(EvidencePacks.CampaignPack::running);
        UI ui = UI.getCurrent();
        if (running && polling == null && ui != null) {
            ui.setPollInterval(POLL_MILLIS);
            polling = ui.addPollListener(e -> refresh());
            addDetachListener(e -> stopPolling(ui));
        } else if (!running && ui != null) {
            stopPolling(ui);
        }
    }

    private void stopPolling(UI ui) {
        if (polling != null) {
            polling.remove();
            polling = null;
            ui.setPollInterval(-1);
        }
    }
}
