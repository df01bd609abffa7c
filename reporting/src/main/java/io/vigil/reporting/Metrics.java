package io.vigil.reporting;

import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A campaign's figures, counted from its items as they are written, so the summary cannot
 * disagree with the rows under it.
 *
 * @param decided items a person decided (not defaulted)
 * @param byDecision final decisions: attest, revoke, reduce, flag, and "undecided"
 * @param remediationNeeded items whose final decision changes the target
 * @param recomputedPopulationHash the population hash recomputed from the items' evidence hashes
 * @param evidenceMismatches items whose stored evidence no longer hashes to their evidence hash
 */
public record Metrics(
        long items,
        long decided,
        Map<String, Long> byDecision,
        long overdue,
        long defaulted,
        long bulk,
        long sodRefusals,
        long remediationNeeded,
        long remediationVerified,
        long remediationFailed,
        long remediationOpen,
        String recomputedPopulationHash,
        long evidenceMismatches) {

    /** The decisions in the order every report lists them. */
    public static final String[] DECISIONS = {"attest", "revoke", "reduce", "flag", "undecided"};

    public long decisions(String decision) {
        return byDecision.getOrDefault(decision, 0L);
    }

    /** Counts items one by one; {@link #metrics()} when all have been seen. */
    public static final class Counter implements Consumer<ReviewedItem> {

        private final Map<String, Long> byDecision = new LinkedHashMap<>();
        private final MessageDigest population = Hashes.sha256();
        private long items;
        private long decided;
        private long overdue;
        private long defaulted;
        private long bulk;
        private long sodRefusals;
        private long needed;
        private long verified;
        private long failed;
        private long mismatches;

        public Counter() {
            for (String d : DECISIONS) {
                byDecision.put(d, 0L);
            }
        }

        @Override
        public void accept(ReviewedItem item) {
            items++;
            byDecision.merge(item.decision() == null ? "undecided" : item.decision(), 1L, Long::sum);
            if (item.decision() != null && !item.defaulted()) {
                decided++;
            }
            overdue += item.overdue() ? 1 : 0;
            defaulted += item.defaulted() ? 1 : 0;
            bulk += item.bulk() ? 1 : 0;
            sodRefusals += item.sodRefusals().size();
            if (item.remediation().needed()) {
                needed++;
                verified += item.remediation().status().equals("verified") ? 1 : 0;
                failed += item.remediation().status().equals("failed") ? 1 : 0;
            }
            population.update(HexFormat.of().parseHex(item.evidenceHash()));
            mismatches += item.evidenceMatches() ? 0 : 1;
        }

        public Metrics metrics() {
            return new Metrics(
                    items,
                    decided,
                    Map.copyOf(byDecision),
                    overdue,
                    defaulted,
                    bulk,
                    sodRefusals,
                    needed,
                    verified,
                    failed,
                    needed - verified - failed,
                    HexFormat.of().formatHex(population.digest()),
                    mismatches);
        }
    }
}
