package io.vigil.review.sessions;

import java.time.Instant;
import java.util.List;

/**
 * What the trail proves about one session: its hash chain re-computed from the stored rows, and
 * how much of it a signed checkpoint covers.
 *
 * @param records the session's chained records
 * @param signed of those, the records under the newest validly signed checkpoint of their spool
 * @param signedAt when that checkpoint was signed; null if none covers any yet
 * @param findings what does not check out, each naming the record; empty when intact
 */
public record SessionIntegrity(long records, long signed, Instant signedAt, List<String> findings) {

    public SessionIntegrity {
        findings = List.copyOf(findings);
    }

    public boolean intact() {
        return findings.isEmpty();
    }

    /** One line for the page. */
    public String summary() {
        if (!intact()) {
            return "TAMPERED: " + findings.size() + " finding(s) in this session's chain";
        }
        if (records == 0) {
            return "Not chained: recorded before the trail was hash-chained";
        }
        String chain = "Chain intact: " + records + " records, each hash-linked to the one before";
        if (signed == records) {
            return chain + "; all within the checkpoint signed " + signedAt
                    + " (vigil audit verify proves the signed tree)";
        }
        if (signed == 0) {
            return chain + "; none signed yet (checkpoints follow within the checkpoint interval)";
        }
        return chain + "; " + signed + " within the checkpoint signed " + signedAt + ", " + (records - signed)
                + " await the next (vigil audit verify proves the signed tree)";
    }
}
