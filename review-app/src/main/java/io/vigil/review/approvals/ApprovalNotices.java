package io.vigil.review.approvals;

import static io.vigil.db.jooq.Tables.AGENT;
import static io.vigil.db.jooq.Tables.APPROVAL_REQUEST;
import static io.vigil.db.jooq.Tables.TARGET;

import io.vigil.review.VigilProperties;
import io.vigil.review.gateway.AuditTrail;
import io.vigil.review.security.People;
import io.vigil.review.security.Role;
import io.vigil.review.ui.Feedback;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.jooq.impl.DSL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.mail.SimpleMailMessage;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Tells people that a statement waits for them: an e-mail to each who may decide it (the approvers
 * as they last signed in, or the agent's owner, as its rule says; never the person it was made for)
 * and a POST to the configured webhook, for chat tools. Both carry a link to the request and what
 * the approver needs to find it, never the statement's text or values: they may hold personal data,
 * and mail and chat are kept where Vigil's access rules do not reach.
 *
 * <p>Every second, each web app instance claims the requests nobody has notified yet (skipping
 * those another instance holds), marks them notified and sends; what went is a trail record.
 */
@Component
class ApprovalNotices {

    private static final Logger log = LoggerFactory.getLogger(ApprovalNotices.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int BATCH = 50;

    private final DSLContext db;
    private final People people;
    private final ObjectProvider<JavaMailSender> mail;
    private final AuditTrail trail;
    private final ApprovalProperties settings;
    private final String page;
    private final TransactionTemplate transaction;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    ApprovalNotices(
            DSLContext db,
            People people,
            ObjectProvider<JavaMailSender> mail,
            AuditTrail trail,
            ApprovalProperties settings,
            VigilProperties properties,
            org.springframework.transaction.PlatformTransactionManager transactions) {
        this.db = db;
        this.people = people;
        this.mail = mail;
        this.trail = trail;
        this.settings = settings;
        this.page = properties.publicUrl() + "/approvals";
        this.transaction = new TransactionTemplate(transactions);
    }

    /** A request as its notices tell it: nothing of the statement itself. */
    record Notice(
            UUID id,
            String agent,
            String owner,
            String target,
            String policy,
            String rule,
            String onBehalfOf,
            String approvers,
            boolean held,
            OffsetDateTime expiresAt) {}

    @Scheduled(initialDelay = 1_000, fixedDelay = 1_000)
    void sendDue() {
        List<Notice> due = transaction.execute(tx -> claim());
        for (Notice notice : due == null ? List.<Notice>of() : due) {
            try {
                send(notice);
            } catch (RuntimeException e) {
                log.warn("could not notify about approval request {}: {}", notice.id(), e.toString());
            }
        }
    }

    /** The requests nobody has notified about, marked as notified by this instance. */
    private List<Notice> claim() {
        List<Notice> claimed = new ArrayList<>();
        var due = db.select(
                        APPROVAL_REQUEST.ID,
                        AGENT.NAME,
                        AGENT.OWNER,
                        TARGET.NAME,
                        APPROVAL_REQUEST.POLICY,
                        APPROVAL_REQUEST.POLICY_VERSION,
                        APPROVAL_REQUEST.RULE,
                        APPROVAL_REQUEST.ON_BEHALF_OF,
                        APPROVAL_REQUEST.APPROVERS,
                        APPROVAL_REQUEST.HELD,
                        APPROVAL_REQUEST.EXPIRES_AT)
                .from(APPROVAL_REQUEST)
                .join(AGENT)
                .on(AGENT.ID.eq(APPROVAL_REQUEST.AGENT_ID))
                .join(TARGET)
                .on(TARGET.ID.eq(APPROVAL_REQUEST.TARGET_ID))
                .where(APPROVAL_REQUEST.NOTIFIED_AT.isNull())
                .and(APPROVAL_REQUEST.STATE.eq("pending"))
                .and(APPROVAL_REQUEST.EXPIRES_AT.gt(DSL.currentOffsetDateTime()))
                .orderBy(APPROVAL_REQUEST.REQUESTED_AT)
                .limit(BATCH)
                .forUpdate()
                .of(APPROVAL_REQUEST)
                .skipLocked()
                .fetch();
        for (Record r : due) {
            claimed.add(new Notice(
                    r.get(APPROVAL_REQUEST.ID),
                    r.get(AGENT.NAME),
                    r.get(AGENT.OWNER),
                    r.get(TARGET.NAME),
                    r.get(APPROVAL_REQUEST.POLICY) + " v" + r.get(APPROVAL_REQUEST.POLICY_VERSION),
                    r.get(APPROVAL_REQUEST.RULE),
                    r.get(APPROVAL_REQUEST.ON_BEHALF_OF),
                    r.get(APPROVAL_REQUEST.APPROVERS),
                    r.get(APPROVAL_REQUEST.HELD),
                    r.get(APPROVAL_REQUEST.EXPIRES_AT)));
        }
        if (!claimed.isEmpty()) {
            db.update(APPROVAL_REQUEST)
                    .set(APPROVAL_REQUEST.NOTIFIED_AT, DSL.currentOffsetDateTime())
                    .where(APPROVAL_REQUEST.ID.in(
                            claimed.stream().map(Notice::id).toList()))
                    .execute();
        }
        return claimed;
    }

    private void send(Notice n) {
        List<String> said = new ArrayList<>();
        List<People.Contact> to = recipients(n);
        JavaMailSender sender = mail.getIfAvailable();
        if (sender == null) {
            said.add("no e-mail: no mail server is configured");
        } else if (to.isEmpty()) {
            said.add("no e-mail: nobody who may decide it has an address known to Vigil");
        } else {
            int sent = 0;
            for (People.Contact contact : to) {
                try {
                    sender.send(mail(n, contact.email()));
                    sent++;
                } catch (RuntimeException e) {
                    said.add("not e-mailed to " + contact.login() + ": " + e.getMessage());
                }
            }
            said.addFirst("e-mailed " + sent + " of " + to.size() + " who may decide it");
        }
        if (settings.webhookUrl() != null) {
            said.add(webhook(n));
        }
        transaction.executeWithoutResult(tx -> trail.record(
                AuditTrail.VIGIL, "approval.notify", "approval", n.id(), n.agent(), String.join("; ", said)));
    }

    /** Who may decide it, as its rule says, less the person it was made for. */
    private List<People.Contact> recipients(Notice n) {
        List<People.Contact> to = n.approvers().equals("owner")
                ? people.contact(n.owner()).map(List::of).orElse(List.of())
                : people.withRole(Role.APPROVER);
        return to.stream()
                .filter(c -> !c.login().equals(n.onBehalfOf()) && !c.login().equals(n.agent()))
                .toList();
    }

    private SimpleMailMessage mail(Notice n, String address) {
        SimpleMailMessage message = new SimpleMailMessage();
        message.setFrom(settings.mailFrom());
        message.setTo(address);
        message.setSubject("Vigil: a statement of " + n.agent() + " waits for your approval");
        message.setText("A statement of agent " + n.agent() + " (owner " + n.owner() + ") on " + n.target()
                + " needs a person's approval under policy " + n.policy() + ", rule " + n.rule() + ".\n\n"
                + (n.held()
                        ? "It waits in the agent's open session"
                        : "It was refused inside a transaction, and runs once on retry if approved")
                + "; undecided by " + Feedback.utc(n.expiresAt()) + ", it is denied.\n\n"
                + "Read it and decide: " + page + "#request-" + n.id() + "\n\n"
                + "The statement is shown only there, to people who may see it.\n");
        return message;
    }

    /** POSTs the notice; returns what the trail says of it. */
    private String webhook(Notice n) {
        var body = JSON.createObjectNode()
                .put("event", "approval.requested")
                .put("request", n.id().toString())
                .put("agent", n.agent())
                .put("owner", n.owner())
                .put("target", n.target())
                .put("policy", n.policy())
                .put("rule", n.rule())
                .put("held", n.held())
                .put("expires_at", n.expiresAt().toInstant().toString())
                .put("link", page + "#request-" + n.id())
                .put(
                        "text",
                        "A statement of " + n.agent() + " on " + n.target() + " waits for approval: " + page
                                + "#request-" + n.id());
        HttpRequest.Builder request = HttpRequest.newBuilder(settings.webhookUrl())
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
        if (settings.webhookToken() != null && !settings.webhookToken().isBlank()) {
            request.header("Authorization", "Bearer " + settings.webhookToken());
        }
        try {
            int status = http.send(request.build(), HttpResponse.BodyHandlers.discarding())
                    .statusCode();
            return status / 100 == 2 ? "webhook answered " + status : "webhook refused it: HTTP " + status;
        } catch (java.io.IOException e) {
            return "webhook unreachable: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "webhook not called: shutting down";
        }
    }
}
