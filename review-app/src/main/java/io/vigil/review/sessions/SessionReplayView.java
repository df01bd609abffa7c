package io.vigil.review.sessions;

import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.formlayout.FormLayout;
import com.vaadin.flow.component.grid.ColumnTextAlign;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.ListItem;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.html.UnorderedList;
import com.vaadin.flow.component.notification.Notification;
import com.vaadin.flow.component.notification.NotificationVariant;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.TextArea;
import com.vaadin.flow.router.BeforeEvent;
import com.vaadin.flow.router.HasUrlParameter;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.shared.Registration;
import io.vigil.review.ui.MainLayout;
import jakarta.annotation.security.PermitAll;
import java.util.UUID;
import org.springframework.security.access.AccessDeniedException;

/**
 * One session replayed: who, from where, as whom; every statement in the order it ran, with its
 * parameters, outcome, rows and duration; and what the trail proves about it. An administrator can
 * end it while it is live.
 */
@Route(value = "session", layout = MainLayout.class)
@PageTitle("Session · Vigil")
@PermitAll
class SessionReplayView extends VerticalLayout implements HasUrlParameter<String> {

    private static final long serialVersionUID = 1L;
    private static final int POLL_MILLIS = 500;
    /** How long the page waits for the gateway to confirm the end before saying it has not. */
    private static final java.time.Duration CONFIRMATION_WAIT = java.time.Duration.ofSeconds(30);

    private final transient SessionService sessions;
    private final H2 title = new H2();
    private final Span status = new Span();
    private final FormLayout details = new FormLayout();
    private final Span integrity = new Span();
    private final UnorderedList findings = new UnorderedList();
    private final Button end = new Button("End session");
    private final Grid<StatementEntry> timeline = new Grid<>(StatementEntry.class, false);
    private UUID sessionId;
    private transient SessionSummary timelineStart;
    private transient Registration polling;

    SessionReplayView(SessionService sessions) {
        this.sessions = sessions;
        setSizeFull();
        title.setId("session-title");
        status.setId("session-status");
        integrity.setId("integrity");
        findings.setId("integrity-findings");
        end.setId("end-session");
        end.addThemeVariants(ButtonVariant.LUMO_ERROR);
        end.addClickListener(e -> askToEnd());
        configureTimeline();
    }

    @Override
    public void setParameter(BeforeEvent event, String parameter) {
        // Vaadin reuses this view when only the session in the address changes.
        stopPolling(event.getUI());
        end.setEnabled(true);
        removeAll();
        SessionSummary session;
        try {
            sessionId = UUID.fromString(parameter);
            session = sessions.session(sessionId);
        } catch (IllegalArgumentException | AccessDeniedException e) {
            Paragraph none = new Paragraph("There is no session " + parameter + " that you may see.");
            none.setId("no-session");
            add(none);
            return;
        }
        show(session);
        SessionIntegrity proof = sessions.integrity(sessionId);
        integrity.setText(proof.summary());
        integrity.getElement().getThemeList().set("badge", true);
        integrity.getElement().getThemeList().set(proof.intact() ? "success" : "error", true);
        findings.removeAll();
        proof.findings().forEach(f -> findings.add(new ListItem(f)));
        timeline.setItems(q -> sessions.statements(sessionId, q.getOffset(), q.getLimit()).stream());
        add(new HorizontalLayout(title, status, end), details, integrity, findings, timeline);
    }

    private void show(SessionSummary session) {
        title.setText("Session of " + session.agent());
        status.removeAll();
        status.add(SessionsView.status(session));
        end.setVisible(session.live() && sessions.mayEndSessions());
        details.removeAll();
        detail("Owner", session.owner());
        detail("Target", session.target() + (session.upstreamRole() == null ? "" : " as " + session.upstreamRole()));
        detail("Client", session.clientAddress() + (session.tls() ? " (TLS)" : " (no TLS)"));
        detail("Application", session.applicationName());
        detail("On behalf of", session.onBehalfOf());
        detail("Task", session.task());
        detail("Started", Times.utc(session.startedAt()));
        detail("Ended", session.live() ? "live" : Times.utc(session.endedAt()) + " (" + session.endReason() + ")");
        timeline.getColumnByKey("time").setHeader("Time since " + Times.utc(session.startedAt()));
        timelineStart = session;
    }

    private void detail(String label, String value) {
        Span text = new Span(value == null || value.isBlank() ? "—" : value);
        text.setId("detail-" + label.toLowerCase(java.util.Locale.ROOT).replace(' ', '-'));
        details.addFormItem(text, label);
    }

    private void configureTimeline() {
        timeline.setId("statements");
        timeline.addThemeVariants(
                GridVariant.LUMO_ROW_STRIPES, GridVariant.LUMO_COMPACT, GridVariant.LUMO_WRAP_CELL_CONTENT);
        timeline.addColumn(StatementEntry::seq).setHeader("#").setWidth("4em").setFlexGrow(0);
        timeline.addColumn(s -> timelineStart == null ? "" : Times.offset(timelineStart.startedAt(), s.startedAt()))
                .setKey("time")
                .setAutoWidth(true)
                .setFlexGrow(0)
                .setTooltipGenerator(s -> Times.utc(s.startedAt()));
        timeline.addColumn(s -> s.kind() == null ? "not parsed" : s.kind())
                .setHeader("Kind")
                .setAutoWidth(true)
                .setFlexGrow(0);
        timeline.addColumn(StatementEntry::sql).setHeader("Statement").setFlexGrow(4);
        timeline.addColumn(StatementEntry::parametersText)
                .setHeader("Parameters")
                .setFlexGrow(2);
        timeline.addColumn(StatementEntry::relationsText).setHeader("Relations").setFlexGrow(1);
        // What policy said shows on the outcome (a stopped statement's outcome names it in full).
        timeline.addColumn(StatementEntry::outcomeText)
                .setHeader("Outcome")
                .setFlexGrow(1)
                .setTooltipGenerator(StatementEntry::policyText);
        timeline.addColumn(StatementEntry::rows)
                .setHeader("Rows")
                .setTextAlign(ColumnTextAlign.END)
                .setAutoWidth(true)
                .setFlexGrow(0);
        timeline.addColumn(s -> Times.millis(s.durationMicros()))
                .setHeader("Duration")
                .setTextAlign(ColumnTextAlign.END)
                .setAutoWidth(true)
                .setFlexGrow(0);
        timeline.addColumn(StatementEntry::protocol)
                .setHeader("Protocol")
                .setAutoWidth(true)
                .setFlexGrow(0);
        timeline.setSizeFull();
    }

    private void askToEnd() {
        Dialog dialog = new Dialog();
        dialog.setHeaderTitle("End this session?");
        TextArea reason = new TextArea("Reason (recorded in the trail and told to the agent)");
        reason.setId("end-reason");
        reason.setRequired(true);
        reason.setMaxLength(SessionService.MAX_REASON);
        reason.setWidthFull();
        Button confirm = new Button("End session", e -> {
            try {
                sessions.end(sessionId, reason.getValue());
                dialog.close();
                Notification.show("Asked the gateway to end the session")
                        .addThemeVariants(NotificationVariant.LUMO_SUCCESS);
                end.setEnabled(false);
                awaitEnd();
            } catch (IllegalArgumentException | IllegalStateException | AccessDeniedException refused) {
                reason.setInvalid(true);
                reason.setErrorMessage(refused.getMessage());
            }
        });
        confirm.setId("end-confirm");
        confirm.addThemeVariants(ButtonVariant.LUMO_ERROR, ButtonVariant.LUMO_PRIMARY);
        dialog.add(new Div(reason));
        dialog.getFooter().add(new Button("Cancel", e -> dialog.close()), confirm);
        dialog.open();
    }

    /** Polls until the gateway has ended the session, then shows it ended. */
    private void awaitEnd() {
        UI ui = UI.getCurrent();
        long giveUpAt = System.nanoTime() + CONFIRMATION_WAIT.toNanos();
        ui.setPollInterval(POLL_MILLIS);
        polling = ui.addPollListener(e -> {
            SessionSummary session = sessions.session(sessionId);
            if (!session.live()) {
                stopPolling(ui);
                show(session);
            } else if (System.nanoTime() > giveUpAt) {
                stopPolling(ui);
                Notification.show("No gateway has confirmed the end yet: is the gateway serving this session"
                                + " running? The request stays; it ends the session as soon as one sees it.")
                        .addThemeVariants(NotificationVariant.LUMO_WARNING);
            }
        });
        addDetachListener(e -> stopPolling(ui));
    }

    private void stopPolling(UI ui) {
        if (polling != null) {
            polling.remove();
            polling = null;
            ui.setPollInterval(-1);
        }
    }
}
