package io.vigil.proxy.approval;

import java.time.Duration;
import java.util.UUID;

/**
 * Statements sent for review wait for a person here.
 *
 * @param desk where requests are filed and decisions read
 * @param limit how long a request waits for a decision (and an approval given after a refusal
 *     holds for the agent's retry)
 * @param page the approvals page of the web app, named in what the agent is told; null if unknown
 * @param retries the requests of statements refused at once, and their approvals
 * @param standing the standing approvals in force
 */
public record Approvals(
        ApprovalDesk desk, Duration limit, String page, RetryApprovals retries, StandingApprovals standing) {

    public Approvals(ApprovalDesk desk, Duration limit, String page) {
        this(desk, limit, page, new RetryApprovals(), new StandingApprovals());
    }

    /** How an agent (and the person it shows the error to) finds the request. */
    public String link(UUID request) {
        return page == null ? "request " + request : "request " + request + " (" + page + ")";
    }

    /** A time limit in words: "5 minutes", "90 seconds". */
    public static String inWords(Duration limit) {
        long seconds = limit.toSeconds();
        if (seconds % 60 != 0) {
            return seconds + " seconds";
        }
        return seconds == 60 ? "1 minute" : seconds / 60 + " minutes";
    }
}
