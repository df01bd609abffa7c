package io.vigil.proxy.audit.pack;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;

/**
 * Checks an evidence pack (a zip, or the directory it was unpacked into) with the public key alone:
 * the manifest carries a valid signature of a given key, every file it lists is there with that
 * SHA-256, and nothing else is (an added file could pass for evidence).
 *
 * <p>The pack comes from outside: names are matched exactly, entries are hashed as they stream
 * (nothing but the manifest and signature is held in memory, and those are read only up to their
 * caps), and the number of entries and the bytes read are bounded.
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

    /** @throws IOException when the pack cannot be read at all (missing, not a zip) */
    public static Report verify(Path pack, Map<String, PublicKey> keys) throws IOException {
        Contents contents = Files.isDirectory(pack) ? directory(pack) : zip(pack);
        return check(contents, keys);
    }

    /** What a pack holds: each file's SHA-256 and the manifest's and signature's bytes. */
    private record Contents(
            Map<String, String> hashes,
            Map<String, Integer> counts,
            byte[] manifest,
            byte[] signature,
            String damaged) {}

    private static Report check(Contents pack, Map<String, PublicKey> keys) {
        List<String> findings = new ArrayList<>();
        List<String> checked = new ArrayList<>();
        if (pack.damaged() != null) {
            findings.add(pack.damaged());
        }
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

    private static byte[] signature(byte[] base64) {
        try {
            return Base64.getMimeDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            return new byte[0];
        }
    }

    private static Contents zip(Path pack) throws IOException {
        Reader reader = new Reader();
        try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(pack))) {
            ZipEntry entry;
            while ((entry = zip.getNextEntry()) != null) {
                if (!entry.isDirectory()) {
                    reader.read(entry.getName(), zip);
                }
            }
        } catch (ZipException | EOFException e) {
            // A changed byte inside a compressed entry breaks its CRC or its deflate stream.
            if (reader.entries == 0) {
                throw new IOException("not a zip: " + e.getMessage(), e);
            }
            reader.damaged = "the zip is damaged after " + reader.entries + " file(s): " + e.getMessage();
        }
        if (reader.entries == 0) {
            throw new IOException("not a zip, or an empty one: " + pack);
        }
        return reader.contents();
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
        byte[] manifest;
        byte[] signature;
        String damaged;
        int entries;
        long total;

        void read(String name, InputStream in) throws IOException {
            if (++entries > MAX_ENTRIES) {
                throw new IOException("more than " + MAX_ENTRIES + " files: not an evidence pack");
            }
            counts.merge(name, 1, Integer::sum);
            if (name.equals(EvidenceManifest.FILE)) {
                manifest = capped(in, EvidenceManifest.MAX_MANIFEST_BYTES);
                hashes.put(name, EvidenceManifest.hex(sha256().digest(manifest)));
                return;
            }
            if (name.equals(EvidenceManifest.SIGNATURE)) {
                signature = capped(in, EvidenceManifest.MAX_SIGNATURE_BYTES);
                hashes.put(name, EvidenceManifest.hex(sha256().digest(signature)));
                return;
            }
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
            hashes.put(name, EvidenceManifest.hex(digest.digest()));
        }

        void odd(String problem) {
            counts.merge(problem, 1, Integer::sum);
            hashes.put(problem, "");
        }

        private static byte[] capped(InputStream in, int cap) throws IOException {
            byte[] bytes = in.readNBytes(cap + 1);
            if (bytes.length > cap) {
                throw new IOException("the pack's manifest or signature is larger than " + cap + " bytes");
            }
            return bytes;
        }

        Contents contents() {
            return new Contents(hashes, counts, manifest, signature, damaged);
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
