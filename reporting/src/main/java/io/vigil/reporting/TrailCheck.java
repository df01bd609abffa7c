package io.vigil.reporting;

import java.time.Instant;
import java.util.List;

/**
 * The audit trail's verification when the pack was made: every chain recomputed, every spool's
 * tree checked against its signed checkpoints.
 *
 * @param complete whether every record was checked; false when the trail was too large to check
 *     inside the app (then only the checkpoints' signatures were, and {@code findings} says so)
 * @param keyId the trail key checkpoints were checked against
 * @param recordsInPeriod trail records from the campaign's period start to the check
 * @param findings what was found wrong; empty when intact
 */
public record TrailCheck(
        boolean complete,
        Instant checkedAt,
        String keyId,
        long records,
        long sessions,
        long recordsInPeriod,
        List<Spool> spools,
        List<String> findings) {

    public TrailCheck {
        spools = List.copyOf(spools);
        findings = List.copyOf(findings);
    }

    /** Every record checked, and nothing found. */
    public boolean intact() {
        return complete && findings.isEmpty();
    }

    /** The verdict in a word or two, as the reports print it. */
    public String verdict() {
        if (!complete) {
            return findings.isEmpty() ? "NOT FULLY CHECKED" : "TAMPERED";
        }
        return findings.isEmpty() ? "intact" : "TAMPERED";
    }

    /**
     * @param latestSize records the newest valid checkpoint covers (0 without one)
     * @param latestRoot that checkpoint's Merkle root, hex
     * @param unsigned records after it, proven by their chains only so far
     */
    public record Spool(
            String id,
            long records,
            int checkpoints,
            long latestSize,
            String latestRoot,
            Instant latestSignedAt,
            long unsigned) {}
}
