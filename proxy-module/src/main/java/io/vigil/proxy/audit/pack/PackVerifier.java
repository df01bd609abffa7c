package io.vigil.proxy.audit.pack;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;

/**
 * Checks an evidence pack (a zip, or the directory it was unpacked into) with a public key the
 * auditor trusts: the manifest carries a valid signature of that key, every file it lists is there
 * with that SHA-256, and nothing else is (an added file could pass for evidence).
 *
 * <p>The pack comes from outside. A zip is read twice, entry by entry in file order and through its
 * central directory (what unzip, Excel and file managers show), and both readings must agree: a zip
 * can carry one set of files for a streaming reader and another for everyone else. Names are matched
 * exactly, entries are hashed as they stream (nothing but the manifest and signature is held, each
 * read only up to its cap), and the number of entries and the bytes read are bounded.
 */
public final class PackVerifier {

    static final int MAX_ENTRIES = 64;
    static final long MAX_TOTAL_BYTES = 8L << 30;

    private PackVerifier() {}

    /**
     * @param findings what the pack does not prove; empty when intact
     * @param manifest the signed manifest, null when there is none or it is malformed
     */
    public record Report(EvidenceManifest manifest, List<String> checked, List<String> findings) {

        public boolean intact() {
            return findings.isEmpty();
        }
    }

    /** @throws IOException when the pack cannot be read at all (missing, not a zip, too large) */
    public static Report verify(Path pack, Map<String, PublicKey> keys) throws IOException {
        Contents contents = Files.isDirectory(pack) ? directory(pack) : zip(pack);
        return check(contents, keys);
    }

    /** What a pack holds: each file's SHA-256, the manifest's and signature's bytes, and its damage. */
    private record Contents(
            Map<String, String> hashes,
            Map<String, Integer> counts,
            byte[] manifest,
            byte[] signature,
            List<String> damage) {}

    private static Report check(Contents pack, Map<String, PublicKey> keys) {
        List<String> findings = new ArrayList<>(pack.damage());
        List<String> checked = new ArrayList<>();
        pack.counts().forEach((name, n) -> {
            if (n > 1) {
                findings.add(name + " appears " + n + " times in the pack");
            }
        });
        if (pack.manifest() == null || pack.signature() == null) {
            findings.add("the pack has no "
                    + (pack.manifest() == null ? EvidenceManifest.FILE : EvidenceManifest.SIGNATURE));
            return new Report(null, checked, findings);
        }
        EvidenceManifest manifest;
        try {
            manifest = EvidenceManifest.parse(pack.manifest());
        } catch (IllegalArgumentException e) {
            findings.add("the manifest is malformed: " + e.getMessage());
            return new Report(null, checked, findings);
        }
        PublicKey key = keys.get(manifest.keyId());
        if (key == null) {
            findings.add("the manifest is signed by key " + manifest.keyId()
                    + ", which was not given: it cannot be checked");
        } else if (!manifest.signedBy(key, signature(pack.signature()))) {
            findings.add(
                    "the manifest does not carry a valid signature of key " + manifest.keyId() + ": forged or altered");
        } else {
            checked.add("the manifest is signed by key " + manifest.keyId());
        }
        manifest.files().forEach((name, expected) -> {
            String actual = pack.hashes().get(name);
            if (actual == null) {
                findings.add(name + " is listed in the manifest but missing from the pack");
            } else if (!actual.equals(expected)) {
                findings.add(name + " was altered: its SHA-256 is " + actual + ", the manifest says " + expected);
            } else {
                checked.add(name + " matches its SHA-256 " + expected);
            }
        });
        for (String name : pack.hashes().keySet()) {
            if (!manifest.files().containsKey(name) && !EvidenceManifest.PACK_FILES.contains(name)) {
                findings.add(name + " is in the pack but not in the manifest");
            }
        }
        return new Report(manifest, checked, findings);
    }

    /** Strict base64 (a line break at the end allowed): nothing else may ride along in the file. */
    private static byte[] signature(byte[] base64) {
        try {
            return Base64.getDecoder().decode(new String(base64, StandardCharsets.US_ASCII).strip());
        } catch (IllegalArgumentException e) {
            return new byte[0];
        }
    }

    private static Contents zip(Path pack) throws IOException {
        Reader central = new Reader();
        try (ZipFile zip = new ZipFile(pack.toFile())) {
            if (zip.size() > MAX_ENTRIES) {
                throw new IOException("more than " + MAX_ENTRIES + " files: not an evidence pack");
            }
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry entry = entries.nextElement();
                if (entry.isDirectory()) {
                    central.odd(entry.getName() + " is a directory");
                    continue;
                }
                try (InputStream in = zip.getInputStream(entry)) {
                    central.read(entry.getName(), in);
                } catch (ZipException | EOFException e) {
                    // A changed byte inside a compressed entry breaks its CRC or its deflate stream.
                    central.damage.add("the zip is damaged at " + entry.getName() + ": " + e.getMessage());
                }
            }
        } catch (ZipException e) {
            throw new IOException("not a zip: " + e.getMessage(), e);
        }
        Reader local = new Reader();
        try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(pack))) {
            ZipEntry entry;
            while ((entry = zip.getNextEntry()) != null) {
                if (entry.isDirectory()) {
                    local.odd(entry.getName() + " is a directory");
                } else {
                    local.read(entry.getName(), zip);
                }
            }
        } catch (ZipException | EOFException e) {
            local.damage.add("the zip is damaged: " + e.getMessage());
        }
        if (!local.order.equals(central.order)) {
            central.damage.add("the zip holds different files when read entry by entry (" + local.order.size()
                    + ") and through its directory (" + central.order.size() + "): tools would show different"
                    + " evidence");
        }
        return central.contents();
    }

    private static Contents directory(Path pack) throws IOException {
        Reader reader = new Reader();
        try (Stream<Path> files = Files.list(pack)) {
            for (Path file : files.sorted().toList()) {
                if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                    reader.odd(file.getFileName() + " is not a plain file");
                    continue;
                }
                try (InputStream in = Files.newInputStream(file)) {
                    reader.read(file.getFileName().toString(), in);
                }
            }
        }
        return reader.contents();
    }

    /** Hashes entries as they stream; keeps the manifest and signature, each up to its cap. */
    private static final class Reader {

        final Map<String, String> hashes = new HashMap<>();
        final Map<String, Integer> counts = new HashMap<>();
        /** Each entry's name and hash in the order read, to compare two readings of one zip. */
        final List<String> order = new ArrayList<>();

        final List<String> damage = new ArrayList<>();
        byte[] manifest;
        byte[] signature;
        int entries;
        long total;

        void read(String name, InputStream in) throws IOException {
            count();
            counts.merge(name, 1, Integer::sum);
            String hash;
            if (name.equals(EvidenceManifest.FILE)) {
                manifest = capped(in, EvidenceManifest.MAX_MANIFEST_BYTES);
                hash = EvidenceManifest.hex(sha256().digest(manifest));
            } else if (name.equals(EvidenceManifest.SIGNATURE)) {
                signature = capped(in, EvidenceManifest.MAX_SIGNATURE_BYTES);
                hash = EvidenceManifest.hex(sha256().digest(signature));
            } else {
                hash = hash(in);
            }
            hashes.put(name, hash);
            order.add(name + " " + hash);
        }

        /** Something in the pack that is not a file: a finding of its own, counted like a file. */
        void odd(String problem) throws IOException {
            count();
            counts.merge(problem, 1, Integer::sum);
            hashes.put(problem, "");
            order.add(problem);
        }

        private void count() throws IOException {
            if (++entries > MAX_ENTRIES) {
                throw new IOException("more than " + MAX_ENTRIES + " files: not an evidence pack");
            }
        }

        private String hash(InputStream in) throws IOException {
            MessageDigest digest = sha256();
            byte[] buffer = new byte[64 * 1024];
            // Not closed here: closing it would close the zip stream the next entries come from.
            DigestInputStream hashing = new DigestInputStream(in, digest);
            int n;
            while ((n = hashing.read(buffer)) > 0) {
                total += n;
                if (total > MAX_TOTAL_BYTES) {
                    throw new IOException("more than " + (MAX_TOTAL_BYTES >> 30) + " GiB: not an evidence pack");
                }
            }
            return EvidenceManifest.hex(digest.digest());
        }

        private static byte[] capped(InputStream in, int cap) throws IOException {
            byte[] bytes = in.readNBytes(cap + 1);
            if (bytes.length > cap) {
                throw new IOException("the pack's manifest or signature is larger than " + cap + " bytes");
            }
            return bytes;
        }

        Contents contents() {
            return new Contents(hashes, counts, manifest, signature, damage);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
