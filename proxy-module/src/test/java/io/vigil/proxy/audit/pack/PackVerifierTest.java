package io.vigil.proxy.audit.pack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.proxy.audit.TrailSigner;
import io.vigil.proxy.audit.verify.AuditCommand;
import io.vigil.proxy.audit.verify.VerifyCommand;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A signed pack verifies; each way of tampering with one is named; hostile packs are bounded. */
class PackVerifierTest {

    private static final TrailSigner SIGNER = TrailSigner.generate();
    private static final TrailSigner OTHER = TrailSigner.generate();
    private static final byte[] XLSX = "pretend workbook".getBytes(StandardCharsets.UTF_8);
    private static final byte[] PDF = "%PDF-1.7 pretend document".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    @Test
    void aSignedPackIsIntact() throws IOException {
        Path pack = write(entries(SIGNER));
        PackVerifier.Report report = PackVerifier.verify(pack, keys(SIGNER));
        assertThat(report.findings()).isEmpty();
        assertThat(report.checked()).hasSize(3);
        assertThat(run(pack, SIGNER)).startsWith("0\n").contains("verdict: intact");
    }

    @Test
    void oneAlteredByteIsNamed() throws IOException {
        Map<String, byte[]> entries = entries(SIGNER);
        byte[] altered = PDF.clone();
        altered[5] ^= 1;
        entries.put("evidence.pdf", altered);
        Path pack = write(entries);
        assertThat(PackVerifier.verify(pack, keys(SIGNER)).findings())
                .singleElement()
                .asString()
                .startsWith("evidence.pdf was altered");
        assertThat(run(pack, SIGNER)).startsWith("1\n").contains("TAMPERED evidence.pdf was altered");
    }

    @Test
    void aByteChangedInsideTheZipItselfIsTamperingToo() throws IOException {
        Map<String, byte[]> entries = entries(SIGNER);
        entries.put("evidence.pdf", "%PDF ".repeat(2000).getBytes(StandardCharsets.UTF_8));
        entries.put(EvidenceManifest.FILE, null);
        Path pack = write(signed(entries));
        byte[] bytes = Files.readAllBytes(pack);
        int inPdf = new String(bytes, StandardCharsets.ISO_8859_1).indexOf("evidence.pdf") + 40;
        bytes[inPdf] ^= 0x55;
        Files.write(pack, bytes);
        assertThat(PackVerifier.verify(pack, keys(SIGNER)).intact()).isFalse();
        assertThat(run(pack, SIGNER)).startsWith("1\n").contains("TAMPERED");
    }

    /**
     * A zip whose entries, read one after another, are the genuine signed pack, followed by a second
     * zip with a forged workbook whose directory is what unzip, Excel and file managers read.
     */
    @Test
    void aZipThatShowsStreamingReadersOtherFilesThanItsDirectoryIsTampered() throws IOException {
        byte[] genuine = Files.readAllBytes(write(entries(SIGNER)));
        byte[] localEntriesOnly = Arrays.copyOf(genuine, indexOf(genuine, new byte[] {'P', 'K', 1, 2}));
        Map<String, byte[]> forged = entries(SIGNER);
        forged.put("evidence.xlsx", "forged workbook".getBytes(StandardCharsets.UTF_8));
        byte[] second = Files.readAllBytes(write(forged));
        Path pack = dir.resolve("smuggled.zip");
        try (OutputStream out = Files.newOutputStream(pack)) {
            out.write(localEntriesOnly);
            out.write("JUNK".getBytes(StandardCharsets.US_ASCII));
            out.write(second);
        }
        try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(pack.toFile())) {
            assertThat(zip.getInputStream(zip.getEntry("evidence.xlsx")).readAllBytes())
                    .as("what unzip and Excel would open")
                    .isEqualTo("forged workbook".getBytes(StandardCharsets.UTF_8));
        }
        PackVerifier.Report report = PackVerifier.verify(pack, keys(SIGNER));
        assertThat(report.intact()).isFalse();
        assertThat(report.findings())
                .anyMatch(f -> f.startsWith("evidence.xlsx was altered"))
                .anyMatch(f -> f.contains("different files when read entry by entry"));
    }

    @Test
    void aSignatureFileCarriesNothingButTheSignature() throws IOException {
        Map<String, byte[]> entries = entries(SIGNER);
        byte[] sig = entries.get(EvidenceManifest.SIGNATURE);
        byte[] padded = new byte[sig.length + 6];
        System.arraycopy(sig, 0, padded, 0, sig.length);
        System.arraycopy("\n#$%^\n".getBytes(StandardCharsets.US_ASCII), 0, padded, sig.length, 6);
        entries.put(EvidenceManifest.SIGNATURE, padded);
        assertThat(PackVerifier.verify(write(entries), keys(SIGNER)).findings())
                .singleElement()
                .asString()
                .contains("does not carry a valid signature");
    }

    @Test
    void directoriesAndKeysInsideThePackAreNotEvidence() throws IOException {
        Map<String, byte[]> entries = entries(SIGNER);
        entries.put("trail-signing.pub", "-----BEGIN PUBLIC KEY-----".getBytes(StandardCharsets.US_ASCII));
        Path pack = write(entries);
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(dir.resolve("with-dir.zip")))) {
            for (var e : entries(SIGNER).entrySet()) {
                put(zip, e.getKey(), e.getValue());
            }
            zip.putNextEntry(new ZipEntry("extra/"));
            zip.closeEntry();
        }
        assertThat(PackVerifier.verify(pack, keys(SIGNER)).findings())
                .containsExactly("trail-signing.pub is in the pack but not in the manifest");
        assertThat(PackVerifier.verify(dir.resolve("with-dir.zip"), keys(SIGNER))
                        .findings())
                .containsExactly("extra/ is a directory is in the pack but not in the manifest");
    }

    @Test
    void anEditedManifestNoLongerCarriesItsSignature() throws IOException {
        Map<String, byte[]> entries = entries(SIGNER);
        byte[] altered = XLSX.clone();
        altered[0] ^= 1;
        entries.put("evidence.xlsx", altered);
        // The forger recomputes the manifest, but cannot sign it.
        entries.put(EvidenceManifest.FILE, manifest(altered).text());
        assertThat(PackVerifier.verify(write(entries), keys(SIGNER)).findings())
                .singleElement()
                .asString()
                .contains("does not carry a valid signature");
    }

    @Test
    void addedMissingAndDuplicatedFilesAreNamed() throws IOException {
        Map<String, byte[]> entries = entries(SIGNER);
        entries.remove("evidence.xlsx");
        entries.put("extra-evidence.csv", new byte[] {1});
        assertThat(PackVerifier.verify(write(entries), keys(SIGNER)).findings())
                .containsExactlyInAnyOrder(
                        "evidence.xlsx is listed in the manifest but missing from the pack",
                        "extra-evidence.csv is in the pack but not in the manifest");

        // Java's zip writer refuses a name twice, so the second is written under a look-alike
        // name and renamed in the bytes: tools disagree on which of two same-named entries counts.
        Map<String, byte[]> twice = entries(SIGNER);
        twice.put("evidence.pdX", "the other evidence.pdf".getBytes(StandardCharsets.UTF_8));
        Path doubled = write(twice);
        String raw = new String(Files.readAllBytes(doubled), StandardCharsets.ISO_8859_1);
        Files.write(doubled, raw.replace("evidence.pdX", "evidence.pdf").getBytes(StandardCharsets.ISO_8859_1));
        assertThat(PackVerifier.verify(doubled, keys(SIGNER)).findings())
                .contains("evidence.pdf appears 2 times in the pack");

        Map<String, byte[]> lookAlike = entries(SIGNER);
        lookAlike.put("evidence.pdf ", PDF);
        assertThat(PackVerifier.verify(write(lookAlike), keys(SIGNER)).findings())
                .containsExactly("evidence.pdf  is in the pack but not in the manifest");
    }

    @Test
    void aPackSignedByAnotherKeyCannotBeChecked() throws IOException {
        Path pack = write(entries(OTHER));
        assertThat(PackVerifier.verify(pack, keys(SIGNER)).findings())
                .singleElement()
                .asString()
                .contains("which was not given");
        assertThat(run(pack, SIGNER)).startsWith("1\n");
    }

    @Test
    void theUnpackedDirectoryVerifiesToo() throws IOException {
        Path unpacked = Files.createDirectory(dir.resolve("unpacked"));
        for (var e : entries(SIGNER).entrySet()) {
            Files.write(unpacked.resolve(e.getKey()), e.getValue());
        }
        assertThat(PackVerifier.verify(unpacked, keys(SIGNER)).intact()).isTrue();
        Files.write(unpacked.resolve("evidence.xlsx"), "changed".getBytes(StandardCharsets.UTF_8));
        assertThat(PackVerifier.verify(unpacked, keys(SIGNER)).intact()).isFalse();
    }

    @Test
    void hostilePacksAreRefusedWithinBounds() throws IOException {
        Map<String, byte[]> huge = entries(SIGNER);
        huge.put(EvidenceManifest.FILE, new byte[EvidenceManifest.MAX_MANIFEST_BYTES + 1]);
        assertThatThrownBy(() -> PackVerifier.verify(write(huge), keys(SIGNER)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("larger than");

        Map<String, byte[]> many = entries(SIGNER);
        for (int i = 0; i < PackVerifier.MAX_ENTRIES; i++) {
            many.put("f" + i, new byte[0]);
        }
        assertThatThrownBy(() -> PackVerifier.verify(write(many), keys(SIGNER)))
                .hasMessageContaining("not an evidence pack");

        Path notZip = Files.writeString(dir.resolve("not.zip"), "hello");
        assertThat(run(notZip, SIGNER)).startsWith("2\n").contains("cannot check");

        Map<String, byte[]> garbage = entries(SIGNER);
        garbage.put(EvidenceManifest.FILE, "vigil evidence manifest v1\ncampaign x\n".getBytes(StandardCharsets.UTF_8));
        assertThat(PackVerifier.verify(write(garbage), keys(SIGNER)).findings())
                .singleElement()
                .asString()
                .startsWith("the manifest is malformed");
    }

    @Test
    void theManifestTextIsCanonicalAndCannotPassForACheckpoint() {
        EvidenceManifest m = manifest(XLSX);
        assertThat(EvidenceManifest.parse(m.text())).isEqualTo(m);
        String text = new String(m.text(), StandardCharsets.US_ASCII);
        assertThatThrownBy(
                        () -> EvidenceManifest.parse(text.replace("\n", "\r\n").getBytes(StandardCharsets.US_ASCII)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new EvidenceManifest(
                        UUID.randomUUID(), Instant.EPOCH, SIGNER.keyId(), Map.of("../x", "00".repeat(32))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() ->
                        SIGNER.signManifest("vigil trail checkpoint v1\nspool x\n".getBytes(StandardCharsets.US_ASCII)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found");
    }

    private static EvidenceManifest manifest(byte[] xlsx) {
        return manifest(SIGNER, xlsx);
    }

    private static EvidenceManifest manifest(TrailSigner signer, byte[] xlsx) {
        Map<String, String> files = new LinkedHashMap<>();
        files.put("evidence.xlsx", sha256(xlsx));
        files.put("evidence.pdf", sha256(PDF));
        return new EvidenceManifest(
                UUID.fromString("00000000-0000-4000-8000-000000000007"),
                Instant.parse("2026-11-22T07:00:00Z"),
                signer.keyId(),
                files);
    }

    /** {@code entries} with a manifest and signature over its files (the manifest key is replaced). */
    private static Map<String, byte[]> signed(Map<String, byte[]> entries) {
        Map<String, String> files = new LinkedHashMap<>();
        entries.forEach((name, bytes) -> {
            if (!EvidenceManifest.PACK_FILES.contains(name)) {
                files.put(name, sha256(bytes));
            }
        });
        EvidenceManifest m = new EvidenceManifest(
                UUID.fromString("00000000-0000-4000-8000-000000000007"), Instant.EPOCH, SIGNER.keyId(), files);
        Map<String, byte[]> out = new LinkedHashMap<>();
        files.keySet().forEach(name -> out.put(name, entries.get(name)));
        out.put(EvidenceManifest.FILE, m.text());
        out.put(EvidenceManifest.SIGNATURE, Base64.getEncoder().encode(m.sign(SIGNER)));
        return out;
    }

    private static Map<String, byte[]> entries(TrailSigner signer) {
        EvidenceManifest m = manifest(signer, XLSX);
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("evidence.xlsx", XLSX);
        entries.put("evidence.pdf", PDF);
        entries.put(EvidenceManifest.FILE, m.text());
        entries.put(EvidenceManifest.SIGNATURE, Base64.getEncoder().encode(m.sign(signer)));
        return entries;
    }

    private Path write(Map<String, byte[]> entries) throws IOException {
        Path zip = Files.createTempFile(dir, "pack", ".zip");
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
            for (var e : entries.entrySet()) {
                put(out, e.getKey(), e.getValue());
            }
        }
        return zip;
    }

    private static void put(ZipOutputStream zip, String name, byte[] bytes) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        zip.write(bytes);
        zip.closeEntry();
    }

    private static Map<String, java.security.PublicKey> keys(TrailSigner signer) {
        return Map.of(signer.keyId(), signer.publicKey());
    }

    /** The command line's exit status, a line break, and what it printed. */
    private String run(Path pack, TrailSigner key) throws IOException {
        Path pub = dir.resolve(key.keyId() + ".pub");
        if (!Files.exists(pub)) {
            key.writePublicKey(pub);
        }
        OutputStream bytes = new ByteArrayOutputStream();
        int status = AuditCommand.run(
                List.of("verify", "--public-key", pub.toString(), "--pack", pack.toString()),
                Map.of(),
                new PrintStream(bytes, true, StandardCharsets.UTF_8));
        assertThat(status).isBetween(VerifyCommand.INTACT, VerifyCommand.CANNOT_CHECK);
        return status + "\n" + bytes;
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
