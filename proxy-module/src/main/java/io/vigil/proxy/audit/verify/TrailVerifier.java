package io.vigil.proxy.audit.verify;

import io.vigil.proxy.audit.AuditEvent;
import io.vigil.proxy.audit.AuditEvent.LoginRefused;
import io.vigil.proxy.audit.AuditEvent.PersonActed;
import io.vigil.proxy.audit.AuditEvent.Pruned;
import io.vigil.proxy.audit.AuditEvent.SessionOpened;
import io.vigil.proxy.audit.AuditEvent.StatementCompleted;
import io.vigil.proxy.audit.AuditEvent.StatementStarted;
import io.vigil.proxy.audit.Checkpoint;
import io.vigil.proxy.audit.MerkleTree;
import io.vigil.proxy.audit.TrailChain;
import io.vigil.proxy.audit.TrailCodec;
import io.vigil.proxy.audit.TrailRecord;
import java.security.PublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Checks a trail with nothing but its records, its checkpoints and the public keys.
 *
 * <ol>
 *   <li>Chains: each session's records, in chain order, must be numbered 0, 1, 2... and each
 *       stored hash must equal SHA-256(previous stored hash || canonical encoding of the record's
 *       content). A mismatch names the edited record; a gap names the deleted ones. Each record is
 *       checked against its predecessor's stored hash, so one edit reports one record.
 *   <li>Trees: each spool's records, by leaf number, must be numbered 0, 1, 2...; the root over the
 *       leaves re-created from the <em>recomputed</em> hashes must equal every signed checkpoint's
 *       root at its size. This catches what the chains cannot: a rewrite with recomputed hashes,
 *       whole sessions removed, and a cut tail (a checkpoint larger than what is left).
 * </ol>
 *
 * Records after the newest checkpoint are proven by their chains only, until the next one.
 */
public final class TrailVerifier {

    private TrailVerifier() {}

    /** @param keys the public keys checkpoints may be signed with, by {@link io.vigil.proxy.audit.TrailSigner#keyId} */
    public static Report verify(List<TrailRecord> records, List<Checkpoint> checkpoints, Map<String, PublicKey> keys) {
        List<Finding> findings = new ArrayList<>();
        Map<TrailRecord, byte[]> recomputed = checkChains(records, findings);
        Map<UUID, List<TrailRecord>> bySpool = new TreeMap<>();
        int unanchored = 0;
        for (TrailRecord r : records) {
            if (r.spoolId() == null || r.leaf() == null) {
                unanchored++;
            } else {
                bySpool.computeIfAbsent(r.spoolId(), s -> new ArrayList<>()).add(r);
            }
        }
        Map<UUID, List<Checkpoint>> signed = new TreeMap<>();
        for (Checkpoint c : checkpoints) {
            signed.computeIfAbsent(c.spoolId(), s -> new ArrayList<>()).add(c);
            bySpool.putIfAbsent(c.spoolId(), new ArrayList<>());
        }
        List<Report.Spool> spools = new ArrayList<>();
        for (var spool : bySpool.entrySet()) {
            spools.add(checkTree(
                    spool.getKey(),
                    spool.getValue(),
                    signed.getOrDefault(spool.getKey(), List.of()),
                    recomputed,
                    keys,
                    findings));
        }
        long sessions = records.stream()
                .filter(r -> !(r.event() instanceof LoginRefused || r.event() instanceof PersonActed))
                .map(TrailRecord::sessionId)
                .distinct()
                .count();
        List<Pruned> pruned = records.stream()
                .map(TrailRecord::event)
                .filter(Pruned.class::isInstance)
                .map(Pruned.class::cast)
                .toList();
        Instant prunedBefore = pruned.stream()
                .map(Pruned::before)
                .max(Comparator.naturalOrder())
                .orElse(null);
        if (prunedBefore != null) {
            checkRetentionCut(records, prunedBefore, findings);
        }
        return new Report(records.size(), sessions, unanchored, pruned.size(), prunedBefore, spools, findings);
    }

    /**
     * Checks the trail against the checkpoints an auditor kept apart from it too (an export, the
     * SIEM's copy): a checkpoint the store no longer holds, with the records it covered cut or
     * changed, is caught by the auditor's copy even before the next one is signed. Each of theirs the
     * store lacks is a finding of its own: checkpoints are never deleted.
     *
     * @param theirs checkpoints from the auditor's copy
     */
    public static Report verify(
            List<TrailRecord> records,
            List<Checkpoint> checkpoints,
            List<Checkpoint> theirs,
            Map<String, PublicKey> keys) {
        List<Checkpoint> merged = new ArrayList<>(checkpoints);
        List<Finding> missing = new ArrayList<>();
        for (Checkpoint c : theirs) {
            if (merged.stream().anyMatch(held -> same(held, c))) {
                continue;
            }
            PublicKey key = keys.get(c.keyId());
            if (key == null || !c.signedBy(key)) {
                missing.add(new Finding(
                        c.spoolId(),
                        null,
                        null,
                        "the auditor's copy holds a checkpoint of " + c.treeSize() + " records signed at "
                                + c.signedAt() + " that key " + c.keyId() + " did not sign: that copy was altered"));
                continue;
            }
            merged.add(c);
            missing.add(new Finding(
                    c.spoolId(),
                    null,
                    null,
                    "the store lacks the checkpoint of " + c.treeSize() + " records signed at " + c.signedAt()
                            + " that the auditor's copy holds: deleted"));
        }
        Report report = verify(records, merged, keys);
        List<Finding> findings = new ArrayList<>(report.findings());
        findings.addAll(missing);
        return new Report(
                report.records(),
                report.sessions(),
                report.unanchored(),
                report.pruned(),
                report.prunedBefore(),
                report.spools(),
                findings);
    }

    private static boolean same(Checkpoint a, Checkpoint b) {
        return a.spoolId().equals(b.spoolId())
                && a.treeSize() == b.treeSize()
                && Arrays.equals(a.root(), b.root())
                && a.signedAt().equals(b.signedAt());
    }

    /**
     * One session's chain alone, what a page showing that session can afford: edited, deleted and
     * reordered records inside it. Whether its tail was cut, or the chain rewritten with fresh
     * hashes, only the tree and its signed checkpoints tell ({@link #verify}).
     */
    public static List<Finding> verifyChain(List<TrailRecord> sessionRecords) {
        List<Finding> findings = new ArrayList<>();
        checkChains(sessionRecords, findings);
        return findings;
    }

    // ---- chains ----

    private static Map<TrailRecord, byte[]> checkChains(List<TrailRecord> records, List<Finding> findings) {
        Map<UUID, List<TrailRecord>> bySession = new LinkedHashMap<>();
        for (TrailRecord r : records) {
            bySession.computeIfAbsent(r.sessionId(), s -> new ArrayList<>()).add(r);
        }
        // By identity: two rows with equal content are still two records.
        Map<TrailRecord, byte[]> recomputed = new IdentityHashMap<>();
        for (List<TrailRecord> chain : bySession.values()) {
            chain.sort(Comparator.comparingInt(TrailRecord::chainIndex));
            checkChain(chain, recomputed, findings);
        }
        return recomputed;
    }

    private static void checkChain(
            List<TrailRecord> chain, Map<TrailRecord, byte[]> recomputed, List<Finding> findings) {
        byte[] previous = new byte[TrailChain.HASH_BYTES];
        int expected = 0;
        Instant opened = null;
        for (TrailRecord r : chain) {
            if (r.chainIndex() < expected) {
                findings.add(at(r, "a second record claims chain position " + r.chainIndex()));
                continue;
            }
            boolean linked = r.chainIndex() == expected;
            if (!linked) {
                findings.add(at(r, missing(expected, r.chainIndex() - 1) + " before it: deleted"));
            }
            if (r.chainIndex() == 0 && !(r.event() instanceof SessionOpened || standsAlone(r.event()))) {
                findings.add(at(r, "a session's first record must be its opening"));
            }
            if (r.chainIndex() > 0 && standsAlone(r.event())) {
                findings.add(
                        at(r, "a refused login or a person's action is a chain of its own, not part of a session"));
            }
            if (r.event() instanceof SessionOpened o) {
                opened = o.startedAt();
            }
            if (r.event() instanceof Pruned pruned) {
                if (opened != null && !opened.isBefore(pruned.before())) {
                    findings.add(at(
                            r,
                            "filed as removed by retention, older than " + pruned.before() + ", in a session opened "
                                    + opened + ": deleted, not pruned"));
                }
                // Its content is gone: its kept hash links the chain on and stands in for the leaf.
                recomputed.put(r, r.storedHash());
                previous = r.storedHash();
                expected = r.chainIndex() + 1;
                continue;
            }
            byte[] hash = TrailChain.hash(previous, TrailCodec.encode(r.event()));
            if (linked && !Arrays.equals(hash, r.storedHash())) {
                findings.add(at(r, "its content does not match its hash: edited, or moved from another position"));
            }
            // After a gap the hash cannot be re-created; the stored one stands in for the leaf.
            recomputed.put(r, linked ? hash : r.storedHash());
            previous = r.storedHash();
            expected = r.chainIndex() + 1;
        }
    }

    /**
     * Retention removes whole months of statements, oldest first: once it has cut at C, no statement
     * older than C is left. A kept one that is older means records filed as pruned were deleted
     * (whoever writes a pruned record chooses its cut). One finding, naming the oldest such record.
     */
    private static void checkRetentionCut(List<TrailRecord> records, Instant cut, List<Finding> findings) {
        TrailRecord oldest = null;
        long older = 0;
        for (TrailRecord r : records) {
            Instant startedAt = statementStart(r.event());
            if (startedAt != null && startedAt.isBefore(cut)) {
                older++;
                if (oldest == null || startedAt.isBefore(statementStart(oldest.event()))) {
                    oldest = r;
                }
            }
        }
        if (oldest != null) {
            findings.add(at(
                    oldest,
                    "retention claims to have removed every statement before " + cut + ", but " + older
                            + " kept record(s) of statements are older, this one from "
                            + statementStart(oldest.event()) + ": the records filed as pruned were deleted"));
        }
    }

    private static Instant statementStart(AuditEvent event) {
        return switch (event) {
            case StatementStarted e -> e.startedAt();
            case StatementCompleted e -> e.startedAt();
            default -> null;
        };
    }

    private static String missing(int from, int to) {
        return from == to ? "record " + from + " is missing" : "records " + from + " to " + to + " are missing";
    }

    /** Records that are a chain of one under their own id, not part of any session. */
    private static boolean standsAlone(AuditEvent event) {
        return event instanceof LoginRefused || event instanceof PersonActed;
    }

    private static Finding at(TrailRecord r, String problem) {
        return new Finding(r.spoolId(), r.sessionId(), r.describe(), problem);
    }

    // ---- trees ----

    private static Report.Spool checkTree(
            UUID spool,
            List<TrailRecord> records,
            List<Checkpoint> checkpoints,
            Map<TrailRecord, byte[]> recomputed,
            Map<String, PublicKey> keys,
            List<Finding> findings) {
        records.sort(Comparator.comparingLong(TrailRecord::leaf));
        List<byte[]> leaves = leaves(spool, records, recomputed, findings);
        List<Checkpoint> valid = new ArrayList<>();
        for (Checkpoint c : checkpoints.stream()
                .sorted(Comparator.comparingLong(Checkpoint::treeSize))
                .toList()) {
            if (trusted(c, keys, findings)) {
                valid.add(c);
            }
        }
        MerkleTree.Frontier frontier = new MerkleTree.Frontier();
        long matchedUpTo = 0;
        for (Checkpoint c : valid) {
            if (c.treeSize() > leaves.size()) {
                findings.add(new Finding(
                        spool,
                        null,
                        null,
                        "the tail was cut: the checkpoint signed at "
                                + c.signedAt() + " covers " + c.treeSize() + " records, only " + leaves.size()
                                + " are left (leaves " + leaves.size() + " to " + (c.treeSize() - 1)
                                + " are missing)"));
                break;
            }
            while (frontier.size() < c.treeSize() && leaves.get((int) frontier.size()) != null) {
                frontier.append(leaves.get((int) frontier.size()));
            }
            if (frontier.size() < c.treeSize()) {
                break; // a missing leaf, already reported: no later root can match
            }
            if (!Arrays.equals(frontier.root(), c.root())) {
                // Without a finding in the chains, the change came with recomputed hashes.
                findings.add(new Finding(
                        spool,
                        null,
                        null,
                        "the records at leaves " + matchedUpTo + " to "
                                + (c.treeSize() - 1) + " do not match the root signed at " + c.signedAt()
                                + ": one of them was changed"));
                break;
            }
            matchedUpTo = c.treeSize();
        }
        Checkpoint latest = valid.isEmpty() ? null : valid.getLast();
        long unsigned = Math.max(0, records.size() - (latest == null ? 0 : latest.treeSize()));
        return new Report.Spool(spool, records.size(), valid.size(), latest, unsigned);
    }

    /** Leaf data by leaf number; a gap is null and reported. */
    private static List<byte[]> leaves(
            UUID spool, List<TrailRecord> records, Map<TrailRecord, byte[]> recomputed, List<Finding> findings) {
        List<byte[]> leaves = new ArrayList<>(records.size());
        for (TrailRecord r : records) {
            if (r.leaf() < leaves.size()) {
                findings.add(at(r, "a second record claims leaf " + r.leaf()));
                continue;
            }
            if (r.leaf() > leaves.size()) {
                findings.add(new Finding(
                        spool,
                        null,
                        null,
                        (r.leaf() - leaves.size() == 1
                                        ? "leaf " + leaves.size() + " is missing"
                                        : "leaves " + leaves.size() + " to " + (r.leaf() - 1) + " are missing")
                                + ": deleted"));
                while (leaves.size() < r.leaf()) {
                    leaves.add(null);
                }
            }
            leaves.add(TrailChain.leafData(r.sessionId(), r.chainIndex(), recomputed.get(r)));
        }
        return leaves;
    }

    private static boolean trusted(Checkpoint c, Map<String, PublicKey> keys, List<Finding> findings) {
        PublicKey key = keys.get(c.keyId());
        if (key == null) {
            findings.add(new Finding(
                    c.spoolId(),
                    null,
                    null,
                    "the checkpoint of " + c.treeSize() + " records is signed by key " + c.keyId()
                            + ", which was not given: it cannot be checked"));
            return false;
        }
        if (!c.signedBy(key)) {
            findings.add(new Finding(
                    c.spoolId(),
                    null,
                    null,
                    "the checkpoint of " + c.treeSize() + " records does not carry a valid signature of key "
                            + c.keyId() + ": forged or altered"));
            return false;
        }
        return true;
    }

    /**
     * What was checked, and what was found.
     *
     * @param pruned records retention removed (their hashes and places kept, their content gone)
     * @param prunedBefore the latest retention cut among them, null if none
     */
    public record Report(
            long records,
            long sessions,
            long unanchored,
            long pruned,
            Instant prunedBefore,
            List<Spool> spools,
            List<Finding> findings) {

        public boolean intact() {
            return findings.isEmpty();
        }

        /**
         * @param latest the newest checkpoint with a valid signature, or null
         * @param unsigned records after the newest checkpoint (proven by their chains only, so far)
         */
        public record Spool(UUID id, long records, int checkpoints, Checkpoint latest, long unsigned) {}
    }
}
