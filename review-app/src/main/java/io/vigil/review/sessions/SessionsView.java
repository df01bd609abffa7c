package io.vigil.review.sessions;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.combobox.ComboBox;
import com.vaadin.flow.component.datetimepicker.DateTimePicker;
import com.vaadin.flow.component.grid.ColumnTextAlign;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.data.value.ValueChangeMode;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.QueryParameters;
import com.vaadin.flow.router.Route;
import io.vigil.proxy.audit.Judgement;
import io.vigil.review.ui.MainLayout;
import jakarta.annotation.security.PermitAll;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Sessions through the gateway, newest first, narrowed by agent, target, time, statement kind and
 * relation; the filter lives in the address, so a reviewer can bookmark or share it. Selecting a
 * session opens its replay. The list loads lazily, a page at a time, however long the history.
 */
@Route(value = "sessions", layout = MainLayout.class)
@PageTitle("Sessions · Vigil")
@PermitAll
class SessionsView extends VerticalLayout implements BeforeEnterObserver {

    private static final long serialVersionUID = 1L;
    static final List<String> KINDS = List.of("read", "write", "ddl", "privilege", "utility", "transaction");

    private final transient SessionService sessions;
    private final Grid<SessionSummary> grid = new Grid<>(SessionSummary.class, false);
    private final ComboBox<String> agent = new ComboBox<>("Agent");
    private final ComboBox<String> target = new ComboBox<>("Target");
    private final DateTimePicker from = new DateTimePicker("From (UTC)");
    private final DateTimePicker to = new DateTimePicker("To (UTC)");
    private final Select<String> kind = new Select<>();
    private final TextField relation = new TextField("Relation");
    private final Select<Judgement.Effect> stopped = new Select<>();
    private final Select<Judgement.Effect> observed = new Select<>();
    private boolean applying;

    SessionsView(SessionService sessions) {
        this.sessions = sessions;
        setSizeFull();
        configureGrid();
        add(new H2("Sessions"), filters(), grid);
    }

    private Component filters() {
        agent.setId("filter-agent");
        agent.setItems(sessions.agentNames());
        agent.setClearButtonVisible(true);
        target.setId("filter-target");
        target.setItems(sessions.targetNames());
        target.setClearButtonVisible(true);
        from.setId("filter-from");
        to.setId("filter-to");
        kind.setId("filter-kind");
        kind.setLabel("Statement kind");
        kind.setItems(KINDS);
        kind.setEmptySelectionAllowed(true);
        kind.setEmptySelectionCaption("any");
        effectFilter(stopped, "filter-stopped", "Stopped by policy", "denied", "held for review");
        effectFilter(
                observed, "filter-observed", "Would be stopped (observe mode)", "would deny", "would hold for review");
        relation.setId("filter-relation");
        relation.setPlaceholder("e.g. orders");
        relation.setClearButtonVisible(true);
        relation.setValueChangeMode(ValueChangeMode.LAZY);
        agent.addValueChangeListener(e -> filterChanged());
        target.addValueChangeListener(e -> filterChanged());
        from.addValueChangeListener(e -> filterChanged());
        to.addValueChangeListener(e -> filterChanged());
        kind.addValueChangeListener(e -> filterChanged());
        relation.addValueChangeListener(e -> filterChanged());
        Button clear = new Button("Clear filters", e -> show(SessionFilter.ANY));
        clear.setId("filter-clear");
        clear.addThemeVariants(ButtonVariant.LUMO_TERTIARY);
        HorizontalLayout bar = new HorizontalLayout(agent, target, from, to, kind, relation, stopped, observed, clear);
        bar.setAlignItems(FlexComponent.Alignment.BASELINE);
        bar.setWrap(true);
        return bar;
    }

    private void configureGrid() {
        grid.setId("sessions");
        grid.addThemeVariants(GridVariant.LUMO_ROW_STRIPES, GridVariant.LUMO_COMPACT);
        grid.addColumn(s -> Times.utc(s.startedAt())).setHeader("Started").setAutoWidth(true);
        grid.addColumn(SessionSummary::agent).setHeader("Agent").setAutoWidth(true);
        grid.addColumn(SessionSummary::owner).setHeader("Owner").setAutoWidth(true);
        grid.addColumn(SessionSummary::target).setHeader("Target").setAutoWidth(true);
        grid.addColumn(SessionSummary::clientAddress).setHeader("Client").setAutoWidth(true);
        grid.addColumn(SessionSummary::applicationName).setHeader("Application").setAutoWidth(true);
        grid.addComponentColumn(SessionsView::status).setHeader("Status").setAutoWidth(true);
        grid.addColumn(SessionSummary::statements).setHeader("Statements").setTextAlign(ColumnTextAlign.END);
        grid.setSizeFull();
        grid.addItemClickListener(e -> getUI().ifPresent(ui ->
                ui.navigate(SessionReplayView.class, e.getItem().id().toString())));
    }

    @Override
    public void beforeEnter(BeforeEnterEvent event) {
        show(fromQuery(event.getLocation().getQueryParameters()));
    }

    /** A filter on what policy said of a session's statements: deny or review, or any. */
    private void effectFilter(Select<Judgement.Effect> select, String id, String label, String deny, String review) {
        select.setId(id);
        select.setLabel(label);
        select.setItems(Judgement.Effect.DENY, Judgement.Effect.REVIEW);
        select.setItemLabelGenerator(e -> e == null ? "any" : e == Judgement.Effect.DENY ? deny : review);
        select.setEmptySelectionAllowed(true);
        select.setEmptySelectionCaption("any");
        select.addValueChangeListener(e -> filterChanged());
    }

    /** Sets the fields to {@code filter} and lists what matches. */
    private void show(SessionFilter filter) {
        applying = true;
        agent.setValue(filter.agent());
        target.setValue(filter.target());
        from.setValue(filter.from() == null ? null : filter.from().toLocalDateTime());
        to.setValue(filter.to() == null ? null : filter.to().toLocalDateTime());
        kind.setValue(filter.kind());
        relation.setValue(filter.relation() == null ? "" : filter.relation());
        stopped.setValue(filter.stopped());
        observed.setValue(filter.observed());
        applying = false;
        list(filter);
    }

    private void filterChanged() {
        if (!applying) {
            list(current());
        }
    }

    private void list(SessionFilter filter) {
        grid.setItems(query -> sessions.sessions(filter, query.getOffset(), query.getLimit()).stream());
        getUI().ifPresent(ui -> ui.getPage()
                .getHistory()
                .replaceState(null, "sessions?" + toQuery(filter).getQueryString()));
    }

    private SessionFilter current() {
        return new SessionFilter(
                agent.getValue(),
                target.getValue(),
                utc(from.getValue()),
                utc(to.getValue()),
                kind.getValue(),
                relation.getValue(),
                stopped.getValue(),
                observed.getValue());
    }

    static SessionFilter fromQuery(QueryParameters query) {
        Map<String, List<String>> p = query.getParameters();
        String kindValue = first(p, "kind");
        return new SessionFilter(
                first(p, "agent"),
                first(p, "target"),
                time(first(p, "from")),
                time(first(p, "to")),
                kindValue != null && KINDS.contains(kindValue) ? kindValue : null,
                first(p, "relation"),
                stoppedValue(first(p, "stopped")),
                stoppedValue(first(p, "observed")));
    }

    /** {@code denied} or {@code review} from a link; anything else: any session. */
    private static Judgement.Effect stoppedValue(String value) {
        return switch (value == null ? "" : value) {
            case "denied" -> Judgement.Effect.DENY;
            case "review" -> Judgement.Effect.REVIEW;
            default -> null;
        };
    }

    static QueryParameters toQuery(SessionFilter filter) {
        Map<String, String> p = new LinkedHashMap<>();
        put(p, "agent", filter.agent());
        put(p, "target", filter.target());
        put(
                p,
                "from",
                filter.from() == null ? null : filter.from().toLocalDateTime().toString());
        put(p, "to", filter.to() == null ? null : filter.to().toLocalDateTime().toString());
        put(p, "kind", filter.kind());
        put(p, "relation", filter.relation());
        put(p, "stopped", effectValue(filter.stopped()));
        put(p, "observed", effectValue(filter.observed()));
        return QueryParameters.simple(p);
    }

    private static String effectValue(Judgement.Effect effect) {
        return effect == null ? null : effect == Judgement.Effect.DENY ? "denied" : "review";
    }

    private static void put(Map<String, String> p, String name, String value) {
        if (value != null) {
            p.put(name, value);
        }
    }

    private static String first(Map<String, List<String>> p, String name) {
        List<String> values = p.get(name);
        return values == null || values.isEmpty() ? null : values.getFirst();
    }

    /** A local date-time from the address, read as UTC; anything else is no bound. */
    private static OffsetDateTime time(String value) {
        if (value == null) {
            return null;
        }
        try {
            return utc(LocalDateTime.parse(value));
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static OffsetDateTime utc(LocalDateTime t) {
        return t == null ? null : t.atOffset(ZoneOffset.UTC);
    }

    static Span status(SessionSummary session) {
        Span badge = new Span(session.live() ? "live" : "ended");
        badge.getElement().getThemeList().add(session.live() ? "badge success" : "badge contrast");
        if (!session.live() && session.endReason() != null) {
            badge.getElement().setAttribute("title", session.endReason());
        }
        return badge;
    }
}
