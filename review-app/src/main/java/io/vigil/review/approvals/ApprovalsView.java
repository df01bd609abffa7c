package io.vigil.review.approvals;

import com.vaadin.flow.component.AttachEvent;
import com.vaadin.flow.component.DetachEvent;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.checkbox.Checkbox;
import com.vaadin.flow.component.details.Details;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Pre;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.IntegerField;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.shared.Registration;
import io.vigil.review.ui.Feedback;
import io.vigil.review.ui.MainLayout;
import jakarta.annotation.security.PermitAll;
import java.util.List;

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
    /** What is on the page: each request and how far along it is, so a change redraws it. */
    private transient List<String> shown;

    private Registration polling;

    ApprovalsView(ApprovalService approvals) {
        this.approvals = approvals;
        setWidthFull();
        add(new H2("Approvals"));
        add(new Paragraph("Each statement here needs a person's approval. Most wait in their agent's open session:"
                + " approving runs it exactly as sent, once. One sent inside a transaction was refused at once, and"
                + " runs once if the agent sends it again after you approve. Denying tells the agent your reason."
                + " Nobody decides a statement made on their own behalf. Undecided, it is denied when its time is"
                + " up."));
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

    /**
     * Shows what waits now: redrawn only when the requests or their approvals change, so a reason
     * being typed (or a click on its way) is kept; a blast radius measured meanwhile is filled into
     * its card in place.
     */
    private void refresh() {
        List<ApprovalService.Request> pending = approvals.pending();
        List<String> now =
                pending.stream().map(r -> r.id() + "/" + r.approvedBy().size()).toList();
        if (now.equals(shown)) {
            for (ApprovalService.Request r : pending) {
                Div slot = radiusSlots.get(r.id());
                if (r.radius() != null && slot != null && !measured.contains(r.id())) {
                    slot.removeAll();
                    slot.add(blastRadius(r));
                    measured.add(r.id());
                }
            }
            return;
        }
        shown = now;
        list.removeAll();
        radiusSlots.clear();
        measured.clear();
        if (pending.isEmpty()) {
            list.add(new Paragraph("Nothing waits for approval."));
            return;
        }
        pending.forEach(r -> list.add(card(r, approvals.mayDecide(r))));
    }

    /** Each card's place for its blast radius, and the cards whose radius is shown. */
    private final java.util.HashMap<java.util.UUID, Div> radiusSlots = new java.util.HashMap<>();

    private final java.util.HashSet<java.util.UUID> measured = new java.util.HashSet<>();

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
                                    .map(p -> p == null ? "NULL" : VisibleText.value(p))
                                    .toList())));
        }
        Div slot = new Div(blastRadius(r));
        radiusSlots.put(r.id(), slot);
        if (r.radius() != null) {
            measured.add(r.id());
        }
        card.add(slot);
        if (!r.before().isEmpty()) {
            Pre before = new Pre(
                    String.join("\n", r.before().stream().map(VisibleText::of).toList()));
            before.getStyle().set("white-space", "pre-wrap").set("overflow-wrap", "anywhere");
            Details earlier = new Details(
                    r.before().size() == 1
                            ? "The session's statement before it"
                            : "The session's " + r.before().size() + " statements before it",
                    before);
            earlier.addClassName("before");
            card.add(earlier);
        }
        card.add(new Paragraph((r.held()
                        ? "It waits in the agent's open session. "
                        : "It was refused at once (sent inside a transaction or a pipeline, or prepared without its"
                                + " values): approved, it runs once"
                                + " when the agent sends it again, within as long again. ")
                + "Requested " + Feedback.utc(r.requestedAt()) + "; denied unless decided by "
                + Feedback.utc(r.expiresAt()) + ". " + whoDecides(r)));
        if (mayDecide) {
            TextField reason = new TextField("Reason (the agent is told it when you deny)");
            reason.setWidthFull();
            reason.setMaxLength(1000);
            Button approve = new Button("Approve", e -> {
                if (Feedback.attempt(() -> approvals.approve(r.id(), reason.getValue()))) {
                    Feedback.success(
                            r.approvedBy().size() + 1 < r.approvalsNeeded()
                                    ? "Approved: it waits for another approver"
                                    : r.held()
                                            ? "Approved: it runs now"
                                            : "Approved: it runs when the agent sends it again");
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
            if (approvals.mayGrantStanding()) {
                Button standing = new Button(
                        "Approve and keep approving...", e -> standingDialog(r).open());
                standing.addClassName("standing");
                actions.add(standing);
            }
            actions.setWidthFull();
            actions.setAlignItems(Alignment.BASELINE);
            actions.expand(reason);
            card.add(actions);
        }
        return card;
    }

    /**
     * Approves the request and the same statement of the same agent ahead of time, for a number of
     * runs or days: an administrator's standing approval, withdrawable on the agent's page.
     */
    private Dialog standingDialog(ApprovalService.Request r) {
        Dialog dialog = new Dialog();
        dialog.setHeaderTitle("Standing approval for " + r.agent());
        IntegerField uses = new IntegerField("Runs (empty: no count)");
        uses.setMin(1);
        uses.setMax(10_000);
        uses.setValue(10);
        uses.setId("standing-uses");
        IntegerField days = new IntegerField("Days (empty: no end)");
        days.setMin(1);
        days.setMax(366);
        days.setValue(7);
        days.setId("standing-days");
        // Values Vigil was not shown (a target that keeps only their hash) cannot be fixed: say so.
        Checkbox fixed = new Checkbox("Only with these values", !r.parameters().isEmpty());
        fixed.setVisible(!r.parameters().isEmpty());
        TextField reason = new TextField("Reason (kept with the policy's history)");
        reason.setWidthFull();
        reason.setMaxLength(1000);
        reason.setId("standing-reason");
        dialog.add(
                new Paragraph("This statement of " + r.agent() + " will run without asking anyone, exactly as"
                        + " written, until the runs or the days are used up or you withdraw it (on the agent's page)."),
                new Pre(VisibleText.of(r.sql())),
                new HorizontalLayout(uses, days, fixed),
                new Paragraph(
                        r.parameters().isEmpty()
                                ? "Vigil was not shown this request's values: it will run with any values."
                                : "Unticked, it runs with any values."),
                reason);
        Button grant = new Button("Approve and keep approving", e -> {
            if (Feedback.attempt(() -> approvals.approveStanding(
                    r.id(), fixed.getValue(), uses.getValue(), days.getValue(), reason.getValue()))) {
                Feedback.success("Approved; standing approval granted");
                dialog.close();
                refresh();
            }
        });
        grant.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        grant.setId("standing-grant");
        dialog.getFooter().add(new Button("Cancel", e -> dialog.close()), grant);
        dialog.setWidth("48rem");
        return dialog;
    }

    /** What Vigil measured, each figure saying whether it is a count or an estimate. */
    private static Div blastRadius(ApprovalService.Request r) {
        Div radius = new Div();
        radius.addClassName("blast-radius");
        ApprovalService.BlastRadius m = r.radius();
        if (m == null) {
            radius.add(new Paragraph(
                    r.held()
                            ? "Blast radius: being measured..."
                            : "Blast radius: not measured (it was refused at once where it was sent; Vigil measures a"
                                    + " statement while it waits in its session)."));
            return radius;
        }
        if (m.exactRows() != null) {
            Paragraph exact =
                    new Paragraph("Would change exactly " + m.exactRows() + (m.exactRows() == 1 ? " row" : " rows")
                            + " (counted by running it in a transaction Vigil rolled back at once).");
            exact.addClassName("exact-rows");
            radius.add(exact);
        }
        if (m.estimatedRows() != null) {
            Paragraph estimate = new Paragraph("Planner's estimate: about " + m.estimatedRows()
                    + (m.estimatedRows() == 1 ? " row" : " rows") + " (an estimate from statistics, not a count).");
            estimate.addClassName("estimated-rows");
            radius.add(estimate);
        }
        if (!m.note().isEmpty()) {
            radius.add(new Paragraph(m.note().substring(0, 1).toUpperCase(java.util.Locale.ROOT)
                    + m.note().substring(1) + "."));
        }
        if (m.plan() != null) {
            Pre plan = new Pre(VisibleText.of(m.plan()));
            plan.getStyle().set("white-space", "pre-wrap").set("overflow-wrap", "anywhere");
            Details details = new Details("Plan (EXPLAIN as the agent's role)", plan);
            details.addClassName("plan");
            radius.add(details);
        }
        return radius;
    }

    private static String whoDecides(ApprovalService.Request r) {
        String who = r.approvers() == ApprovalService.Approvers.OWNER
                ? "Its rule lets the agent's owner (" + r.owner() + ") decide."
                : r.approvalsNeeded() > 1
                        ? "Its rule needs " + r.approvalsNeeded() + " different approvers."
                        : "Any approver decides.";
        return r.approvedBy().isEmpty() ? who : who + " Approved so far by " + String.join(", ", r.approvedBy()) + ".";
    }
}
