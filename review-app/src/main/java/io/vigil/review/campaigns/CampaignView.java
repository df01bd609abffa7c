package io.vigil.review.campaigns;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.TextArea;
import com.vaadin.flow.router.BeforeEvent;
import com.vaadin.flow.router.HasUrlParameter;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import io.vigil.review.ui.Feedback;
import io.vigil.review.ui.Grids;
import io.vigil.review.ui.MainLayout;
import jakarta.annotation.security.PermitAll;
import java.util.List;
import java.util.UUID;
import org.springframework.security.access.AccessDeniedException;

/**
 * One campaign: what it covers (period, population and its hash), progress per reviewer with the
 * overdue ones highlighted, every item with its recommendation, decision and remediation result,
 * the notices sent, and the owner's sign-off.
 */
@Route(value = "campaign", layout = MainLayout.class)
@PageTitle("Campaign · Vigil")
@PermitAll
class CampaignView extends VerticalLayout implements HasUrlParameter<String> {

    private static final long serialVersionUID = 1L;

    private final transient CampaignService campaigns;
    private UUID id;

    CampaignView(CampaignService campaigns) {
        this.campaigns = campaigns;
        setSizeFull();
    }

    @Override
    public void setParameter(BeforeEvent event, String parameter) {
        try {
            id = UUID.fromString(parameter);
            render();
        } catch (IllegalArgumentException | AccessDeniedException e) {
            removeAll();
            Paragraph none = new Paragraph("There is no campaign here that you may see.");
            none.setId("no-campaign");
            add(none);
        }
    }

    private void render() {
        removeAll();
        CampaignSummary c = campaigns.campaign(id);
        H2 title = new H2(c.name());
        Span state = new Span(c.state() + (c.state().equals("review") ? ", stage " + c.stage() : ""));
        state.setId("campaign-state");
        state.getElement().getThemeList().add(c.state().equals("closed") ? "badge success" : "badge");
        add(title, state);
        add(new Paragraph("Usage period " + Feedback.utc(c.periodStart()) + " to " + Feedback.utc(c.periodEnd())
                + "; launched " + Feedback.utc(c.launchedAt()) + "; due " + Feedback.utc(c.dueAt()) + "; closes "
                + Feedback.utc(c.closesAt()) + "; owner " + c.owner()));
        Paragraph population = new Paragraph(c.items() + " agents; population SHA-256 " + c.populationHash());
        population.setId("population");
        add(population, CampaignsView.progress(c));
        add(new H3("Reviewers"), reviewers(c));
        List<ReviewItem> items = campaigns.items(id);
        add(new H3("Items"), itemGrid(items));
        if (c.state().equals("closed")) {
            Paragraph signed = new Paragraph("Signed off by " + c.signedOffBy() + " on " + Feedback.utc(c.signedOffAt())
                    + ": " + c.signOffNote());
            signed.setId("signed-off");
            add(signed);
        } else if (campaigns.maySignOff(c)) {
            add(signOff(c));
        }
        if (c.state().equals("review") && campaigns.mayCloseStages()) {
            add(closeStage(c));
        }
        if (c.state().equals("sign-off")
                && c.remediation().getOrDefault("failed", 0) + c.remediation().getOrDefault("pending", 0) > 0) {
            Button retry = new Button("Remediate again", e -> {
                if (Feedback.attempt(() -> campaigns.retryRemediation(id))) {
                    render();
                }
            });
            retry.setId("retry-remediation");
            add(retry);
        }
        add(new H3("Notices"), notices());
    }

    private Grid<CampaignSummary.ReviewerProgress> reviewers(CampaignSummary c) {
        Grid<CampaignSummary.ReviewerProgress> grid = new Grid<>(CampaignSummary.ReviewerProgress.class, false);
        grid.setId("reviewers");
        grid.addThemeVariants(GridVariant.LUMO_COMPACT);
        grid.addColumn(CampaignSummary.ReviewerProgress::reviewer)
                .setHeader("Reviewer")
                .setAutoWidth(true);
        grid.addColumn(r -> r.decided() + " / " + r.items())
                .setHeader("Decided")
                .setAutoWidth(true);
        grid.addComponentColumn(r -> {
                    Span s = new Span(Integer.toString(r.overdue()));
                    if (r.overdue() > 0) {
                        s.getElement().getThemeList().add("badge error");
                    }
                    return s;
                })
                .setHeader("Overdue")
                .setAutoWidth(true);
        grid.setItems(c.reviewers());
        grid.setAllRowsVisible(true);
        return grid;
    }

    private static Grid<ReviewItem> itemGrid(List<ReviewItem> items) {
        Grid<ReviewItem> grid = new Grid<>(ReviewItem.class, false);
        grid.setId("items");
        grid.addThemeVariants(GridVariant.LUMO_ROW_STRIPES, GridVariant.LUMO_COMPACT);
        grid.addColumn(ReviewItem::agent).setHeader("Agent").setAutoWidth(true).setSortable(true);
        grid.addColumn(ReviewItem::owner).setHeader("Owner").setAutoWidth(true);
        Grids.flexible(grid.addColumn(
                        i -> i.reviewer() + (i.reviewerReason().equals("owner") ? "" : " (" + i.reviewerReason() + ")"))
                .setHeader("Reviewer"));
        Grids.wrapping(grid);
        grid.addComponentColumn(i -> ReviewsView.badge(i.recommendation(), i.recommendationReason()))
                .setHeader("Recommended")
                .setAutoWidth(true);
        grid.addComponentColumn(CampaignView::decision).setHeader("Decision").setAutoWidth(true);
        Grids.flexible(grid.addComponentColumn(CampaignView::remediation).setHeader("Remediation"));
        grid.setItems(items);
        Grids.fit(grid, items.size());
        return grid;
    }

    private static Component decision(ReviewItem i) {
        if (!i.decided()) {
            Span none = new Span(i.overdue() ? "overdue" : "—");
            if (i.overdue()) {
                none.getElement().getThemeList().add("badge error");
            }
            return none;
        }
        Span s = ReviewsView.badge(i.decision(), i.justification());
        String by = i.defaulted() ? "default" : i.decidedBy() + (i.bulk() ? ", bulk" : "");
        return new Span(s, new Span(" " + by));
    }

    private static Component remediation(ReviewItem i) {
        if (i.remediation() == null) {
            return new Span("");
        }
        Span s = new Span(i.remediation());
        s.getElement()
                .getThemeList()
                .add(
                        switch (i.remediation()) {
                            case "verified" -> "badge success";
                            case "failed" -> "badge error";
                            default -> "badge contrast";
                        });
        if (i.remediationDetail() != null) {
            s.getElement().setAttribute("title", i.remediationDetail());
        }
        Span detail = new Span(i.remediationDetail() == null ? "" : " " + i.remediationDetail());
        detail.getStyle().set("font-size", "var(--lumo-font-size-s)");
        return new Span(s, detail);
    }

    /** Closes the stage before its date, with a reason for the trail: the schedule's close, now. */
    private Component closeStage(CampaignSummary c) {
        TextArea reason = new TextArea("Why close stage " + c.stage() + " now (kept in the trail)");
        reason.setId("close-stage-reason");
        reason.setWidthFull();
        Button close = new Button("Close stage " + c.stage() + " now", e -> {
            if (Feedback.attempt(() -> campaigns.closeStageNow(id, reason.getValue()))) {
                Feedback.success("Stage " + c.stage() + " of " + c.name()
                        + " is closed: undecided items took the default, and what follows has started.");
                render();
            }
        });
        close.setId("close-stage");
        return new VerticalLayout(reason, close);
    }

    private Component signOff(CampaignSummary c) {
        TextArea note = new TextArea("Management acknowledgement");
        note.setId("sign-off-note");
        note.setWidthFull();
        note.setPlaceholder("The access of these agents remains appropriate after the changes above.");
        Button sign = new Button("Sign off and close", e -> {
            if (Feedback.attempt(() -> campaigns.signOff(id, note.getValue()))) {
                Feedback.success(c.name() + " is signed off and closed.");
                render();
            }
        });
        sign.setId("sign-off");
        sign.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        return new VerticalLayout(note, sign);
    }

    private Grid<Notice> notices() {
        Grid<Notice> grid = new Grid<>(Notice.class, false);
        grid.setId("notices");
        grid.addThemeVariants(GridVariant.LUMO_COMPACT);
        grid.addColumn(n -> Feedback.utc(n.sentAt())).setHeader("When").setAutoWidth(true);
        grid.addColumn(Notice::kind).setHeader("What").setAutoWidth(true);
        grid.addColumn(Notice::recipient).setHeader("To").setAutoWidth(true);
        grid.addColumn(Notice::items).setHeader("Items").setAutoWidth(true);
        grid.addColumn(n -> n.mailError() == null ? "e-mailed" : "in the app only: " + n.mailError())
                .setHeader("Mail")
                .setAutoWidth(true);
        List<Notice> all = campaigns.notices(id);
        grid.setItems(all);
        Grids.fit(grid, all.size());
        return grid;
    }
}
