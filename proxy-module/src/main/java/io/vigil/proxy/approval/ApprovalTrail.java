package io.vigil.proxy.approval;

import io.vigil.proxy.audit.AuditEvent;
import io.vigil.proxy.audit.AuditSink;
import io.vigil.proxy.audit.TrailChain;
import java.time.Instant;
import java.util.UUID;

/**
 * What Vigil did with a request, kept in the trail as an action of its own ({@code vigil}, its own
 * chain, like a person's action in the web app): never the statement's text or values.
 */
public final class ApprovalTrail {

    private ApprovalTrail() {}

    /** Records {@code action} on {@code request} of {@code agent}; false if the trail cannot take it. */
    public static boolean record(
            AuditSink audit, Instant at, UUID request, String agent, String action, String detail) {
        return audit.record(new TrailChain()
                .link(new AuditEvent.PersonActed(
                        UUID.randomUUID(), at, "vigil", action, "approval", request, agent, detail)));
    }

    /** Records what became of {@code request}. */
    public static boolean closed(
            AuditSink audit, Instant at, UUID request, String agent, ApprovalDesk.Outcome outcome) {
        return record(audit, at, request, agent, action(outcome), detail(outcome));
    }

    /** The trail's name for an outcome: {@code approval.released}, ... */
    public static String action(ApprovalDesk.Outcome outcome) {
        return "approval." + outcome.name().toLowerCase(java.util.Locale.ROOT);
    }

    private static String detail(ApprovalDesk.Outcome outcome) {
        return switch (outcome) {
            case RELEASED -> "approved: sent to the target";
            case REFUSED -> "denied: the agent was told why";
            case EXPIRED -> "nobody decided in time: denied";
            case WITHDRAWN -> "withdrawn: the client cancelled it or left";
            case USED -> "approved after it was refused: the agent sent it again, and it ran once";
            case LAPSED -> "approved after it was refused: not sent again in time, so the approval lapsed";
        };
    }
}
