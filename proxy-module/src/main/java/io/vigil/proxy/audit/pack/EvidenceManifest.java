package io.vigil.proxy.audit.pack;

import io.vigil.proxy.audit.TrailSigner;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * What an evidence pack holds, as a fixed text any tool can re-create and check:
 *
 * <pre>
 *   vigil evidence manifest v1
 *   campaign &lt;uuid&gt;
 *   generated &lt;ISO-8601 instant&gt;
 *   key &lt;trail key id&gt;
 *   file &lt;sha-256 hex&gt; &lt;name&gt;
 *   ...
 * </pre>
 *
 * The first line differs from a trail checkpoint's, so a signature over one can never pass as the
 * other. {@code manifest.sig} holds the Ed25519 signature over these exact bytes, in base64.
 *
 * @param files file name to SHA-256 (hex), in the pack's order
 */
public record EvidenceManifest(UUID campaign, Instant generated, String keyId, Map<String, String> files) {

    public static final String FILE = "manifest.txt";
    public static final String SIGNATURE = "manifest.sig";
    /**
     * The pack's own files, which the manifest does not list. The public key is deliberately not
     * among them: a key that travels with the pack proves only that someone signed it; the auditor
     * checks with the key they got from Vigil's operator (its id is printed to compare).
     */
    public static final List<String> PACK_FILES = List.of(FILE, SIGNATURE);

    static final String FIRST_LINE = "vigil evidence manifest v1";

    /** Longest manifest and signature a verifier reads (checked before reading them). */
    static final int MAX_MANIFEST_BYTES = 64 * 1024;

    static final int MAX_SIGNATURE_BYTES = 1024;

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
    private static final Pattern HEX_256 = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern KEY_ID = Pattern.compile("[0-9a-f]{16}");

    public EvidenceManifest {
        files = Collections.unmodifiableMap(new LinkedHashMap<>(files));
        if (!KEY_ID.matcher(keyId).matches()) {
            throw new IllegalArgumentException("not a key id: " + keyId);
        }
        files.forEach((name, hash) -> {
            if (!NAME.matcher(name).matches() || PACK_FILES.contains(name)) {
                throw new IllegalArgumentException("not a pack file name: " + name);
            }
            if (!HEX_256.matcher(hash).matches()) {
                throw new IllegalArgumentException("not a SHA-256: " + hash);
            }
        });
    }

    public byte[] text() {
        StringBuilder s = new StringBuilder()
                .append(FIRST_LINE)
                .append('\n')
                .append("campaign ")
                .append(campaign)
                .append('\n')
                .append("generated ")
                .append(generated)
                .append('\n')
                .append("key ")
                .append(keyId)
                .append('\n');
        files.forEach((name, hash) ->
                s.append("file ").append(hash).append(' ').append(name).append('\n'));
        return s.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * The manifest in {@code text}, which must be exactly what {@link #text()} writes.
     *
     * @throws IllegalArgumentException for anything else
     */
    public static EvidenceManifest parse(byte[] text) {
        String s = new String(text, StandardCharsets.US_ASCII);
        if (!s.endsWith("\n")) {
            throw new IllegalArgumentException("the manifest does not end with a line break");
        }
        String[] lines = s.substring(0, s.length() - 1).split("\n", -1);
        if (lines.length < 4 || !lines[0].equals(FIRST_LINE)) {
            throw new IllegalArgumentException("not a Vigil evidence manifest (v1)");
        }
        try {
            UUID campaign = UUID.fromString(value(lines[1], "campaign "));
            Instant generated = Instant.parse(value(lines[2], "generated "));
            String key = value(lines[3], "key ");
            Map<String, String> files = new LinkedHashMap<>();
            for (int i = 4; i < lines.length; i++) {
                String[] parts = value(lines[i], "file ").split(" ", 2);
                if (parts.length != 2 || files.put(parts[1], parts[0]) != null) {
                    throw new IllegalArgumentException("line " + (i + 1) + " is not a distinct file entry");
                }
            }
            EvidenceManifest parsed = new EvidenceManifest(campaign, generated, key, files);
            if (!Arrays.equals(parsed.text(), text)) {
                throw new IllegalArgumentException("the manifest is not in its canonical form");
            }
            return parsed;
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("the manifest's generated time is malformed", e);
        }
    }

    private static String value(String line, String prefix) {
        if (!line.startsWith(prefix)) {
            throw new IllegalArgumentException("expected '" + prefix.trim() + "' in: " + line);
        }
        return line.substring(prefix.length());
    }

    /** The signature that goes into {@link #SIGNATURE}, by the key the manifest names. */
    public byte[] sign(TrailSigner signer) {
        if (!signer.keyId().equals(keyId)) {
            throw new IllegalArgumentException("the manifest names key " + keyId + ", not " + signer.keyId());
        }
        return signer.signManifest(text());
    }

    /** Whether {@code signature} is {@code key}'s Ed25519 signature over this manifest's text. */
    public boolean signedBy(PublicKey key, byte[] signature) {
        try {
            Signature ed25519 = Signature.getInstance("Ed25519");
            ed25519.initVerify(key);
            ed25519.update(text());
            return ed25519.verify(signature);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

    static String hex(byte[] digest) {
        return HexFormat.of().formatHex(digest);
    }
}
