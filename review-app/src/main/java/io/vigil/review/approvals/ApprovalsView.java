package io.vigil.review.approvals;

import com.vaadin.flow.component.AttachEvent;
import com.vaadin.flow.component.DetachEvent;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Pre;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.shared.Registration;
import io.vigil.review.ui.Feedback;
import io.vigil.review.ui.MainLayout;
import jakarta.annotation.security.PermitAll;
import java.util.List;
import java.util.UUID;

/**
 * What waits for a person: each statement policy sent for review, with who sent it, for whom, the
 * rule that asked, and the statement exactly as sent (hidden characters shown). Approvers approve or
 * deny with a reason; owners see their own agents' requests. Kept current without reloading.
 */
@Route(value = "approvals", layout = MainLayout.class)
@PageTitle("Approvals · Vigil")
@PermitAll
class ApprovalsView extends VerticalLayout {

    private static final long serialVersionUID = 1L;

    /** How often the page reads what waits: a new request shows within it. */
    private static final int REFRESH_MILLIS = 1_000;

    private final transient ApprovalService approvals;
    private final VerticalLayout list = new VerticalLayout();
    private transient List<UUID> shown;
    private Registration polling;

    ApprovalsView(ApprovalService approvals) {
        this.approvals = approvals;
        setWidthFull();
        add(new H2("Approvals"));
        add(new Paragraph("Each statement here waits in its agent's open session. Approving runs it exactly as"
                + " sent, once; denying tells the agent your reason. Nobody decides a statement made on their own"
                + " behalf. Undecided, it is denied when its time is up."));
        list.setId("approval-requests");
        list.setPadding(false);
        add(list);
        refresh();
    }

    @Override
    protected void onAttach(AttachEvent event) {
        event.getUI().setPollInterval(REFRESH_MILLIS);
        polling = event.getUI().addPollListener(e -> refresh());
    }

    @Override
    protected void onDetach(DetachEvent event) {
        if (polling != null) {
            polling.remove();
        }
        event.getUI().setPollInterval(-1);
    }

    /** Shows what waits now; redrawn only when that changes, so a reason being typed is kept. */
    private void refresh() {
        List<ApprovalService.Request> pending = approvals.pending();
        List<UUID> ids = pending.stream().map(ApprovalService.Request::id).toList();
        if (ids.equals(shown)) {
            return;
        }
        shown = ids;
        list.removeAll();
        if (pending.isEmpty()) {
            list.add(new Paragraph("Nothing waits for approval."));
            return;
        }
        boolean mayDecide = approvals.mayDecide();
        pending.forEach(r -> list.add(card(r, mayDecide)));
    }

    private Div card(ApprovalService.Request r, boolean mayDecide) {
        Div card = new Div();
        card.setId("request-" + r.id());
        card.setWidthFull();
        card.getStyle()
                .set("box-sizing", "border-box")
                .set("border", "1px solid var(--lumo-contrast-20pct)")
                .set("border-radius", "var(--lumo-border-radius-m)")
                .set("padding", "var(--lumo-space-s) var(--lumo-space-m)");
        card.add(new H3(r.agent() + " on " + r.target()));
        card.add(new Paragraph("Owner " + r.owner()
                + (r.onBehalfOf().isEmpty() ? "" : "; acting for " + r.onBehalfOf())
                + (r.task().isEmpty() ? "" : "; task " + r.task())
                + ". Asked by Vigil policy '" + r.policy() + "' v" + r.policyVersion() + ", rule '" + r.rule()
                + "': " + r.ruleMessage() + "."));
        Pre statement = new Pre(VisibleText.of(r.sql()));
        statement.addClassName("statement");
        statement.getStyle().set("white-space", "pre-wrap").set("overflow-wrap", "anywhere");
        card.add(statement);
        if (!r.parameters().isEmpty()) {
            card.add(new Paragraph("Values: "
                    + String.join(
                            ", ",
                            r.parameters().stream()
                                    .map(p -> p == null ? "NULL" : VisibleText.of(p))
                                    .toList())));
        }
        card.add(new Span("Requested " + Feedback.utc(r.requestedAt()) + "; denied unless decided by "
                + Feedback.utc(r.expiresAt()) + (r.held() ? "; waiting in the session" : "; runs on retry")));
        if (mayDecide) {
            TextField reason = new TextField("Reason (the agent is told it when you deny)");
            reason.setWidthFull();
            reason.setMaxLength(1000);
            Button approve = new Button("Approve", e -> {
                if (Feedback.attempt(() -> approvals.approve(r.id(), reason.getValue()))) {
                    Feedback.success("Approved: it runs now");
                    refresh();
                }
            });
            approve.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
            approve.addClassName("approve");
            Button deny = new Button("Deny", e -> {
                if (Feedback.attempt(() -> approvals.deny(r.id(), reason.getValue()))) {
                    Feedback.success("Denied: the agent was told");
                    refresh();
                }
            });
            deny.addThemeVariants(ButtonVariant.LUMO_ERROR);
            deny.addClassName("deny");
            HorizontalLayout actions = new HorizontalLayout(reason, approve, deny);
            actions.setWidthFull();
            actions.setAlignItems(Alignment.BASELINE);
            actions.expand(reason);
            card.add(actions);
        }
        return card;
    }
}
