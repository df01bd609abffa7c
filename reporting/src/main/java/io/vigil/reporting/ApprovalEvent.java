package io.vigil.reporting;

import java.time.Duration;
import java.time.Instant;

/**
 * One statement of an agent under review that policy sent to a person, and what became of it: the
 * access review sees which risky actions a person signed off.
 *
 * @param policy the policy and version that asked ({@code baseline v3})
 * @param statement the statement as the trail keeps it (secrets redacted; never its values)
 * @param outcome released (approved and run), used (approved after a refusal, run on retry),
 *     approved (not yet run), lapsed (approved, never sent again), denied, expired (nobody
 *     decided), withdrawn (cancelled, or the client left) or pending
 * @param decidedBy who approved (every one of them) or denied; "" if nobody decided
 * @param exactRows the rows Vigil counted it would change, shown to the approver; null if not counted
 * @param waited from the request to what became of it; null while open
 */
public record ApprovalEvent(
        String agent,
        Instant requestedAt,
        String policy,
        String rule,
        String statement,
        String outcome,
        String decidedBy,
        String reason,
        Long exactRows,
        Duration waited) {

    /** Whether a person let it run. */
    public boolean granted() {
        return switch (outcome) {
            case "released", "used", "approved", "lapsed" -> true;
            default -> false;
        };
    }
}
