package io.vigil.review.approvals;

import java.net.URI;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How people hear that a statement waits for them.
 *
 * @param mailFrom the sender of the e-mails to approvers
 * @param webhookUrl an endpoint (a chat tool's incoming webhook, say) each new request is POSTed
 *     to as JSON; unset for none
 * @param webhookToken sent to it as {@code Authorization: Bearer …}
 */
@ConfigurationProperties("vigil.approvals")
public record ApprovalProperties(
        @DefaultValue("vigil@localhost") String mailFrom, URI webhookUrl, String webhookToken) {

    /** Never the token: properties get logged. */
    @Override
    public String toString() {
        return "ApprovalProperties[" + mailFrom + ", " + webhookUrl + "]";
    }
}
