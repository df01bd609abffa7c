package io.vigil.review.campaigns;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.checkbox.Checkbox;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.H4;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Pre;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.TextArea;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.data.value.ValueChangeMode;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import io.vigil.review.ui.Feedback;
import io.vigil.review.ui.Grids;
import io.vigil.review.ui.MainLayout;
import io.vigil.review.usage.Grant;
import jakarta.annotation.security.PermitAll;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * A reviewer's worklist: the items assigned to them in campaigns under review, each with its
 * evidence (privileges, what the agent did with them in the period) and the recommendation with its
 * reason. Pick one or several, write why, and attest, revoke, reduce or flag them; a decision can be
 * changed until the stage closes.
 */
@Route(value = "reviews", layout = MainLayout.class)
@PageTitle("My reviews · Vigil")
@PermitAll
class ReviewsView extends VerticalLayout {

    private static final long serialVersionUID = 1L;

    private final transient ReviewService reviews;
    private final Grid<ReviewItem> grid = new Grid<>(ReviewItem.class, false);
    private final TextField search = new TextField();
    private final TextArea justification = new TextArea("Why (required)");
    private final Span picked = new Span();
    private final LinkedHashSet<UUID> selected = new LinkedHashSet<>();
    private final HashMap<UUID, Checkbox> boxes = new HashMap<>();
    private transient List<ReviewItem> items = List.of();

    ReviewsView(ReviewService reviews) {
        this.reviews = reviews;
        setSizeFull();
        search.setId("worklist-search");
        search.setPlaceholder("Find by agent or campaign");
        search.setClearButtonVisible(true);
        search.setValueChangeMode(ValueChangeMode.LAZY);
        search.addValueChangeListener(e -> show());
        search.setWidth("24rem");
        configureGrid();
        justification.setId("justification");
        justification.setWidthFull();
        justification.setMaxLength(2000);
        picked.setId("picked");
        add(new H2("My reviews"), search, grid, picked, justification, decisionButtons());
        refresh();
    }

    private void configureGrid() {
        grid.setId("worklist");
        grid.addThemeVariants(GridVariant.LUMO_ROW_STRIPES, GridVariant.LUMO_COMPACT);
        grid.addComponentColumn(this::pick).setHeader("").setFlexGrow(0).setWidth("4rem");
        grid.addColumn(ReviewItem::agent).setHeader("Agent").setAutoWidth(true).setSortable(true);
        grid.addColumn(ReviewItem::target).setHeader("Target").setAutoWidth(true);
        grid.addComponentColumn(i -> badge(i.recommendation(), i.recommendationReason()))
                .setHeader("Recommended")
                .setAutoWidth(true);
        grid.addComponentColumn(ReviewsView::decision).setHeader("Decision").setAutoWidth(true);
        grid.addComponentColumn(ReviewsView::due).setHeader("Due").setAutoWidth(true);
        grid.addColumn(ReviewItem::campaign).setHeader("Campaign").setAutoWidth(true);
        grid.setItemDetailsRenderer(new com.vaadin.flow.data.renderer.ComponentRenderer<>(ReviewsView::evidence));
        grid.setDetailsVisibleOnClick(true);
    }

    /**
     * The item's pick box: one per item for the page's life, so a refreshed row shows the same box
     * (and the page never holds two boxes for one agent).
     */
    private Component pick(ReviewItem item) {
        Checkbox box = boxes.computeIfAbsent(item.id(), id -> {
            Checkbox b = new Checkbox();
            b.setId("pick-" + item.agent());
            b.setAriaLabel("pick " + item.agent());
            b.addValueChangeListener(e -> {
                if (e.getValue()) {
                    selected.add(id);
                } else {
                    selected.remove(id);
                }
                showPicked();
            });
            return b;
        });
        box.setValue(selected.contains(item.id()));
        return box;
    }

    private HorizontalLayout decisionButtons() {
        HorizontalLayout buttons = new HorizontalLayout();
        for (String decision : List.of("attest", "revoke", "reduce", "flag")) {
            Button b = new Button(label(decision), e -> decide(decision));
            b.setId("decide-" + decision);
            if (decision.equals("revoke")) {
                b.addThemeVariants(ButtonVariant.LUMO_ERROR);
            } else if (decision.equals("attest")) {
                b.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
            }
            buttons.add(b);
        }
        Button all = new Button("Pick all shown", e -> {
            shown().forEach(i -> selected.add(i.id()));
            show();
        });
        all.setId("pick-all");
        Button none = new Button("Pick none", e -> {
            selected.clear();
            show();
        });
        buttons.add(all, none);
        return buttons;
    }

    private void decide(String decision) {
        if (selected.isEmpty()) {
            Feedback.error("Pick the items to decide first.");
            return;
        }
        List<UUID> ids = List.copyOf(selected);
        Feedback.attempt(() -> {
            Decided d = reviews.decide(ids, decision, justification.getValue());
            if (d.refused().isEmpty()) {
                Feedback.success(label(decision) + ": " + d.decided() + " item" + (d.decided() == 1 ? "" : "s"));
            } else {
                Feedback.error(d.decided() + " decided; refused: " + String.join("; ", d.refused()));
            }
            selected.clear();
            justification.clear();
            refresh();
        });
    }

    private void refresh() {
        items = reviews.worklist();
        selected.retainAll(items.stream().map(ReviewItem::id).toList());
        show();
    }

    private void show() {
        List<ReviewItem> visible = shown();
        grid.setItems(visible);
        Grids.fit(grid, visible.size());
        showPicked();
    }

    private List<ReviewItem> shown() {
        String q = search.getValue().strip().toLowerCase(Locale.ROOT);
        return items.stream()
                .filter(i -> q.isEmpty()
                        || i.agent().toLowerCase(Locale.ROOT).contains(q)
                        || i.campaign().toLowerCase(Locale.ROOT).contains(q))
                .toList();
    }

    private void showPicked() {
        long undecided = items.stream().filter(i -> !i.decided()).count();
        picked.setText(selected.size() + " picked; " + undecided + " of " + items.size() + " still to decide");
    }

    /** The evidence a decision rests on, frozen when the campaign launched. */
    private static Component evidence(ReviewItem item) {
        Evidence e = item.evidence();
        VerticalLayout box = new VerticalLayout();
        box.setId("evidence-" + item.agent());
        box.setPadding(false);
        box.add(new Paragraph("Owner " + item.owner() + "; upstream role " + item.upstreamRole()
                + (item.ownRole() ? "" : " (the target's shared role)") + "; reviewer: " + item.reviewerReason()));
        box.add(new Paragraph("Recommended: " + item.recommendation() + ", because " + item.recommendationReason()));
        box.add(new Paragraph(e.statements() + " statements in the period (" + e.ddl() + " DDL, " + e.denials()
                + " denied); last activity " + (e.lastActivity() == null ? "never" : Feedback.utc(e.lastActivity()))
                + (e.policies().isEmpty() ? "" : "; judged by " + String.join(", ", e.policies()))));
        if (!item.reduceStatements().isEmpty()) {
            box.add(new H4("A reduce runs"));
            Pre sql = new Pre(String.join(";\n", item.reduceStatements()) + ";");
            sql.setId("reduce-" + item.agent());
            box.add(sql);
        }
        box.add(new H4("Privileges"));
        Grid<Grant> grants = new Grid<>(Grant.class, false);
        grants.addColumn(Grant::kind).setHeader("Kind").setAutoWidth(true);
        grants.addColumn(Grant::object).setHeader("Object").setAutoWidth(true);
        grants.addColumn(Grant::privilege).setHeader("Privilege").setAutoWidth(true);
        grants.addColumn(Grant::via).setHeader("Via").setAutoWidth(true);
        grants.setItems(e.grants());
        grants.setAllRowsVisible(true);
        grants.addThemeVariants(GridVariant.LUMO_COMPACT);
        box.add(grants);
        box.add(new H4("What it used in the period"));
        Grid<RelationUse> usage = new Grid<>(RelationUse.class, false);
        usage.addColumn(RelationUse::relation).setHeader("Relation").setAutoWidth(true);
        usage.addColumn(RelationUse::operation).setHeader("Operation").setAutoWidth(true);
        usage.addColumn(RelationUse::statements)
                .setHeader("Statements since first use")
                .setAutoWidth(true);
        usage.addColumn(u -> Feedback.utc(u.firstAt())).setHeader("First").setAutoWidth(true);
        usage.addColumn(u -> Feedback.utc(u.lastAt())).setHeader("Last").setAutoWidth(true);
        usage.setItems(e.usage());
        usage.setAllRowsVisible(true);
        usage.addThemeVariants(GridVariant.LUMO_COMPACT);
        box.add(usage);
        box.add(new Span("Evidence SHA-256 " + item.evidenceHash()));
        return box;
    }

    static Span badge(String decision, String reason) {
        Span badge = new Span(label(decision));
        badge.getElement().getThemeList().add("badge");
        switch (decision) {
            case "revoke" -> badge.getElement().getThemeList().add("error");
            case "attest" -> badge.getElement().getThemeList().add("success");
            default -> badge.getElement().getThemeList().add("contrast");
        }
        if (reason != null) {
            badge.getElement().setAttribute("title", reason);
        }
        return badge;
    }

    private static Component decision(ReviewItem i) {
        if (!i.decided()) {
            return new Span("—");
        }
        Span s = badge(i.decision(), i.justification());
        s.setId("decision-" + i.agent());
        return s;
    }

    private static Component due(ReviewItem i) {
        Span s = new Span(Feedback.utc(i.dueAt()));
        if (i.overdue()) {
            s.setText(s.getText() + " (overdue)");
            s.getStyle().set("color", "var(--lumo-error-text-color)").set("font-weight", "600");
        }
        return s;
    }

    static String label(String decision) {
        return switch (decision) {
            case "attest" -> "Attest";
            case "revoke" -> "Revoke";
            case "reduce" -> "Reduce";
            case "flag" -> "Flag";
            default -> decision;
        };
    }
}
