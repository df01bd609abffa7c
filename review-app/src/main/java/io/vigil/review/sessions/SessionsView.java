package io.vigil.review.sessions;

import com.vaadin.flow.component.grid.ColumnTextAlign;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.router.RouteAlias;
import io.vigil.review.ui.MainLayout;
import jakarta.annotation.security.PermitAll;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Sessions through the gateway, newest first; selecting one lists its statements, newest first.
 * Both lists load lazily, a page at a time, however long the history.
 */
@Route(value = "sessions", layout = MainLayout.class)
@RouteAlias(value = "", layout = MainLayout.class)
@PageTitle("Sessions · Vigil")
@PermitAll
class SessionsView extends VerticalLayout {

    private static final long serialVersionUID = 1L;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'");

    private final transient SessionService sessions;
    private final Grid<SessionSummary> sessionGrid = new Grid<>(SessionSummary.class, false);
    private final Grid<StatementEntry> statementGrid = new Grid<>(StatementEntry.class, false);
    private final H2 statementsTitle = new H2("Statements");

    SessionsView(SessionService sessions) {
        this.sessions = sessions;
        setSizeFull();
        configureSessions();
        configureStatements();
        add(new H2("Sessions"), sessionGrid, statementsTitle, statementGrid);
    }

    private void configureSessions() {
        sessionGrid.setId("sessions");
        sessionGrid.addThemeVariants(GridVariant.LUMO_ROW_STRIPES, GridVariant.LUMO_COMPACT);
        sessionGrid.addColumn(s -> time(s.startedAt())).setHeader("Started").setAutoWidth(true);
        sessionGrid.addColumn(SessionSummary::agent).setHeader("Agent").setAutoWidth(true);
        sessionGrid.addColumn(SessionSummary::owner).setHeader("Owner").setAutoWidth(true);
        sessionGrid.addColumn(SessionSummary::target).setHeader("Target").setAutoWidth(true);
        sessionGrid.addColumn(SessionSummary::clientAddress).setHeader("Client").setAutoWidth(true);
        sessionGrid
                .addColumn(SessionSummary::applicationName)
                .setHeader("Application")
                .setAutoWidth(true);
        sessionGrid.addComponentColumn(this::status).setHeader("Status").setAutoWidth(true);
        sessionGrid
                .addColumn(SessionSummary::statements)
                .setHeader("Statements")
                .setTextAlign(ColumnTextAlign.END);
        sessionGrid.setItems(query -> sessions.sessions(query.getOffset(), query.getLimit()).stream());
        sessionGrid.setHeight("40%");
        sessionGrid.asSingleSelect().addValueChangeListener(e -> show(e.getValue()));
    }

    private void configureStatements() {
        statementGrid.setId("statements");
        statementGrid.addThemeVariants(
                GridVariant.LUMO_ROW_STRIPES, GridVariant.LUMO_COMPACT, GridVariant.LUMO_WRAP_CELL_CONTENT);
        statementGrid
                .addColumn(StatementEntry::seq)
                .setHeader("#")
                .setWidth("4em")
                .setFlexGrow(0);
        statementGrid
                .addColumn(s -> time(s.startedAt()))
                .setHeader("Started")
                .setAutoWidth(true)
                .setFlexGrow(0);
        statementGrid.addColumn(StatementEntry::sql).setHeader("Statement").setFlexGrow(4);
        statementGrid.addColumn(StatementEntry::outcome).setHeader("Outcome").setFlexGrow(1);
        statementGrid
                .addColumn(StatementEntry::rows)
                .setHeader("Rows")
                .setTextAlign(ColumnTextAlign.END)
                .setAutoWidth(true)
                .setFlexGrow(0);
        statementGrid
                .addColumn(s -> s.durationMicros() == null ? "" : "%.2f ms".formatted(s.durationMicros() / 1000.0))
                .setHeader("Duration")
                .setTextAlign(ColumnTextAlign.END)
                .setAutoWidth(true)
                .setFlexGrow(0);
        statementGrid
                .addColumn(StatementEntry::protocol)
                .setHeader("Protocol")
                .setAutoWidth(true)
                .setFlexGrow(0);
        statementGrid.setVisible(false);
        statementsTitle.setVisible(false);
    }

    private void show(SessionSummary session) {
        boolean selected = session != null;
        statementGrid.setVisible(selected);
        statementsTitle.setVisible(selected);
        if (selected) {
            statementsTitle.setText(
                    "Statements of " + session.agent() + ", session started " + time(session.startedAt()));
            statementGrid.setItems(
                    query -> sessions.statements(session.id(), query.getOffset(), query.getLimit()).stream());
        }
    }

    private Span status(SessionSummary session) {
        Span badge = new Span(session.live() ? "live" : "ended");
        badge.getElement().getThemeList().add(session.live() ? "badge success" : "badge contrast");
        if (!session.live() && session.endReason() != null) {
            badge.getElement().setAttribute("title", session.endReason());
        }
        return badge;
    }

    private static String time(OffsetDateTime t) {
        return t == null ? "" : TIME.format(t.withOffsetSameInstant(ZoneOffset.UTC));
    }
}
