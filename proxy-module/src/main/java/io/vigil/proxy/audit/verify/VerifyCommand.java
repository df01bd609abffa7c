package io.vigil.proxy.audit.verify;

import io.vigil.proxy.audit.Checkpoint;
import io.vigil.proxy.audit.TrailSigner;
import io.vigil.proxy.audit.export.ExportTrail;
import io.vigil.proxy.audit.pack.PackVerifier;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.security.PublicKey;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code vigil audit verify}: checks the live store, an export or an evidence pack with the public key(s) only.
 *
 * <pre>
 *   vigil audit verify --public-key trail-signing.key.pub --store jdbc:postgresql://db/vigil --user auditor
 *   vigil audit verify --public-key trail-signing.key.pub --store jdbc:postgresql://db/vigil --checkpoints siem.jsonl
 *   vigil audit verify --public-key trail-signing.key.pub --export trail.jsonl
 *   vigil audit verify --public-key trail-signing.key.pub --pack evidence-pack.zip
 * </pre>
 *
 * The store's password comes from {@code VIGIL_STORE_PASSWORD}, never the command line. Exit status:
 * 0 intact, 1 tampering found, 2 could not check.
 */
public final class VerifyCommand {

    public static final int INTACT = 0;
    public static final int TAMPERED = 1;
    public static final int CANNOT_CHECK = 2;

    private static final String USAGE = """
            usage: vigil audit verify --public-key FILE [--public-key FILE ...] (--store JDBC-URL [--user NAME] | --export FILE | --pack FILE) [--checkpoints FILE ...]
              --public-key  an Ed25519 public key (PEM) checkpoints may be signed with; repeat for rotated keys
              --store       the live store; the password is read from VIGIL_STORE_PASSWORD
              --checkpoints the auditor's own copy of the checkpoints, kept apart from the store (an export,
                            the SIEM's JSON lines, what a webhook receiver kept): the store is checked against
                            them too, so records cut together with the checkpoints that covered them are caught
              --export      a JSON-lines export (vigil audit export, or the SIEM file sink)
              --pack        an evidence pack (the zip the web app serves, or the directory it was unpacked into)
            exit status: 0 intact, 1 tampering found, 2 could not check""";

    private VerifyCommand() {}

    public static int run(List<String> args, Map<String, String> environment, PrintStream out) {
        Map<String, List<String>> options;
        try {
            options =
                    options(args, List.of("--public-key", "--store", "--user", "--export", "--pack", "--checkpoints"));
        } catch (IllegalArgumentException e) {
            out.println(e.getMessage());
            out.println(USAGE);
            return CANNOT_CHECK;
        }
        boolean store = options.containsKey("--store");
        long sources = Stream.of("--store", "--export", "--pack")
                .filter(options::containsKey)
                .count();
        if (!options.containsKey("--public-key") || sources != 1) {
            out.println(USAGE);
            return CANNOT_CHECK;
        }
        try {
            Map<String, PublicKey> keys = new LinkedHashMap<>();
            for (String file : options.get("--public-key")) {
                PublicKey key = TrailSigner.readPublicKey(Path.of(file));
                keys.put(TrailSigner.keyId(key), key);
            }
            if (options.containsKey("--pack")) {
                return pack(Path.of(single(options, "--pack")), keys, out);
            }
            String source = single(options, store ? "--store" : "--export");
            ExportTrail trail = store
                    ? StoreTrail.snapshot(source, single(options, "--user"), environment.get("VIGIL_STORE_PASSWORD"))
                    : ExportTrail.read(Path.of(source));
            List<Checkpoint> theirs = new ArrayList<>();
            for (String file : options.getOrDefault("--checkpoints", List.of())) {
                theirs.addAll(ExportTrail.checkpointsIn(Path.of(file)));
            }
            TrailVerifier.Report report = TrailVerifier.verify(trail.records(), trail.checkpoints(), theirs, keys);
            print(source, keys, report, out);
            if (options.containsKey("--checkpoints")) {
                printFreshness(options.get("--checkpoints"), theirs, keys, Instant.now(), out);
            }
            return report.intact() ? INTACT : TAMPERED;
        } catch (IOException | SQLException | RuntimeException e) {
            out.println("cannot check the trail: " + e.getMessage());
            return CANNOT_CHECK;
        }
    }

    private static int pack(Path pack, Map<String, PublicKey> keys, PrintStream out) throws IOException {
        PackVerifier.Report report = PackVerifier.verify(pack, keys);
        out.println("verifying evidence pack " + pack + " with key " + String.join(", ", keys.keySet()));
        if (report.manifest() != null) {
            out.println("campaign " + report.manifest().campaign() + ", generated "
                    + report.manifest().generated());
        }
        report.checked().forEach(line -> out.println("ok " + line));
        report.findings().forEach(line -> out.println("TAMPERED " + line));
        out.println(
                report.intact()
                        ? "verdict: intact"
                        : "verdict: TAMPERED, " + report.findings().size() + " finding(s)");
        return report.intact() ? INTACT : TAMPERED;
    }

    static void print(String source, Map<String, PublicKey> keys, TrailVerifier.Report report, PrintStream out) {
        out.println("verifying " + source + " with key " + String.join(", ", keys.keySet()));
        out.printf(
                "%,d records in %,d sessions%s%n",
                report.records(),
                report.sessions(),
                report.unanchored() == 0
                        ? ""
                        : String.format(" (%,d from before checkpoints: chains only)", report.unanchored()));
        if (report.pruned() > 0) {
            out.printf(
                    "%,d of them removed by retention (content gone, hashes kept), all older than %s%n",
                    report.pruned(), report.prunedBefore());
        }
        for (TrailVerifier.Report.Spool spool : report.spools()) {
            Checkpoint latest = spool.latest();
            out.printf(
                    "spool %s: %,d records, %d valid checkpoints%s%n",
                    spool.id(),
                    spool.records(),
                    spool.checkpoints(),
                    latest == null
                            ? ", none yet: chains only"
                            : String.format(
                                    ", the latest of %,d records signed %s; %,d after it not yet signed",
                                    latest.treeSize(), latest.signedAt(), spool.unsigned()));
        }
        for (Finding finding : report.findings()) {
            out.println("TAMPERED " + finding);
        }
        out.println(
                report.intact()
                        ? "verdict: intact"
                        : "verdict: TAMPERED, " + report.findings().size() + " finding(s)");
    }

    /**
     * How much the auditor's copy vouches for: records up to its newest checkpoint are proven against
     * it; anything after is proven by the store's own checkpoints and chains only.
     */
    static void printFreshness(
            List<String> files, List<Checkpoint> theirs, Map<String, PublicKey> keys, Instant now, PrintStream out) {
        Checkpoint newest = theirs.stream()
                .filter(c -> keys.containsKey(c.keyId()) && c.signedBy(keys.get(c.keyId())))
                .max(java.util.Comparator.comparing(Checkpoint::signedAt))
                .orElse(null);
        if (newest == null) {
            out.println("the auditor's copy (" + String.join(", ", files)
                    + ") holds no valid checkpoint: the store was checked against its own only");
            return;
        }
        java.time.Duration age = java.time.Duration.between(newest.signedAt(), now);
        out.printf(
                "checked against %d checkpoint(s) from the auditor's copy (%s); the newest, of %,d records, was"
                        + " signed %s, %s ago: records after it are vouched for by the store alone%n",
                theirs.size(),
                String.join(", ", files),
                newest.treeSize(),
                newest.signedAt(),
                age.isNegative()
                        ? "0s"
                        : age.truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                                .toString()
                                .substring(2)
                                .toLowerCase(java.util.Locale.ROOT));
    }

    /**
     * {@code --name value} pairs; a name may repeat.
     *
     * @throws IllegalArgumentException for a name not in {@code known}, or one without a value
     */
    static Map<String, List<String>> options(List<String> args, List<String> known) {
        Map<String, List<String>> options = new LinkedHashMap<>();
        for (int i = 0; i < args.size(); i++) {
            String name = args.get(i);
            if (!known.contains(name)) {
                throw new IllegalArgumentException("unknown option " + name);
            }
            if (i + 1 >= args.size()) {
                throw new IllegalArgumentException(name + " needs a value");
            }
            options.computeIfAbsent(name, n -> new ArrayList<>()).add(args.get(++i));
        }
        return options;
    }

    static String single(Map<String, List<String>> options, String name) {
        List<String> values = options.get(name);
        return values == null ? null : values.getLast();
    }
}
