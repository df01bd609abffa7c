package io.vigil.review.campaigns;

import static io.vigil.db.jooq.Tables.CAMPAIGN_NOTICE;
import static io.vigil.db.jooq.Tables.PERSON;

import io.vigil.review.VigilProperties;
import io.vigil.review.gateway.AuditTrail;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.UUID;
import org.jooq.DSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.mail.MailException;
import org.springframework.mail.SimpleMailMessage;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Tells people about their campaign work: by e-mail when a mail server is configured
 * ({@code spring.mail.host}) and the person's address is known (from their sign-ins), and always in
 * the app (every notice is a row the campaign page shows, with why a mail did not go) and in the trail.
 */
@Component
class Notices {

    private static final Logger log = LoggerFactory.getLogger(Notices.class);

    private final DSLContext db;
    private final ObjectProvider<JavaMailSender> mail;
    private final AuditTrail trail;
    private final VigilProperties properties;
    private final CampaignProperties settings;
    private final TransactionTemplate newTransaction;
    private final Clock clock;

    Notices(
            DSLContext db,
            ObjectProvider<JavaMailSender> mail,
            AuditTrail trail,
            VigilProperties properties,
            CampaignProperties settings,
            PlatformTransactionManager transactions,
            Clock clock) {
        this.settings = settings;
        this.newTransaction = new TransactionTemplate(transactions);
        newTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
        this.db = db;
        this.mail = mail;
        this.trail = trail;
        this.properties = properties;
        this.clock = clock;
    }

    /**
     * Keeps the notice (the campaign's page shows it), and sends its mail once the caller's
     * transaction commits: a mail server that hangs never holds a campaign's lock, and a change that
     * rolls back has told nobody. The mail's outcome then goes on the notice and into the trail.
     *
     * @param kind launch, reminder, escalation or sign-off
     * @param items how many items the notice is about
     */
    void send(
            UUID campaign, String campaignName, String kind, String recipient, int items, String subject, String body) {
        long id = db.insertInto(CAMPAIGN_NOTICE)
                .set(CAMPAIGN_NOTICE.CAMPAIGN_ID, campaign)
                .set(CAMPAIGN_NOTICE.KIND, kind)
                .set(CAMPAIGN_NOTICE.RECIPIENT, recipient)
                .set(CAMPAIGN_NOTICE.ITEMS, items)
                .set(CAMPAIGN_NOTICE.SENT_AT, OffsetDateTime.now(clock))
                .set(CAMPAIGN_NOTICE.MAIL_ERROR, "queued")
                .returning(CAMPAIGN_NOTICE.ID)
                .fetchOne(CAMPAIGN_NOTICE.ID);
        Runnable deliver = () -> deliver(id, campaign, campaignName, kind, recipient, items, subject, body);
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    deliver.run();
                }
            });
        } else {
            deliver.run();
        }
    }

    private void deliver(
            long id,
            UUID campaign,
            String campaignName,
            String kind,
            String recipient,
            int items,
            String subject,
            String body) {
        String error = mail(recipient, subject, body);
        try {
            newTransaction.executeWithoutResult(tx -> {
                db.update(CAMPAIGN_NOTICE)
                        .set(CAMPAIGN_NOTICE.MAIL_ERROR, error)
                        .where(CAMPAIGN_NOTICE.ID.eq(id))
                        .execute();
                trail.record(
                        AuditTrail.VIGIL,
                        "campaign." + kind,
                        "campaign",
                        campaign,
                        campaignName,
                        "to " + recipient + ": " + items + " item" + (items == 1 ? "" : "s") + "; "
                                + (error == null ? "e-mailed" : "not e-mailed: " + error));
            });
        } catch (RuntimeException e) {
            // the notice stays "queued" on the campaign's page: visibly undelivered
            log.error("could not record the {} notice to {}: {}", kind, recipient, e.toString());
        }
    }

    /** @return why the mail did not go, or null if it did */
    private String mail(String recipient, String subject, String body) {
        JavaMailSender sender = mail.getIfAvailable();
        if (sender == null) {
            return "no mail server is configured (spring.mail.host)";
        }
        String address = db.select(PERSON.EMAIL)
                .from(PERSON)
                .where(PERSON.LOGIN.eq(recipient))
                .fetchOne(PERSON.EMAIL);
        if (address == null) {
            return "no e-mail address is known for " + recipient + " (they have not signed in yet)";
        }
        SimpleMailMessage message = new SimpleMailMessage();
        message.setFrom(settings.mailFrom());
        message.setTo(address);
        message.setSubject(subject);
        message.setText(body + "\n\n" + properties.publicUrl() + "/reviews\n");
        try {
            sender.send(message);
            return null;
        } catch (MailException e) {
            log.warn("could not e-mail {} about a campaign: {}", recipient, e.getMessage());
            return "the mail server refused it: " + e.getMessage();
        }
    }
}
