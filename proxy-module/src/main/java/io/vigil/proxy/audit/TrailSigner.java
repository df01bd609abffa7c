package io.vigil.proxy.audit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.UUID;

/**
 * Signs trail checkpoints with an Ed25519 key that lives outside the store: whoever can write the
 * store still cannot sign a root for rows they changed. Keys are PEM files (PKCS#8 private, X.509
 * public); the verifier needs only the public one.
 */
public final class TrailSigner {

    private static final String PRIVATE = "PRIVATE KEY";
    private static final String PUBLIC = "PUBLIC KEY";

    private final PrivateKey privateKey;
    private final PublicKey publicKey;
    private final String keyId;

    private TrailSigner(KeyPair keys) {
        this.privateKey = keys.getPrivate();
        this.publicKey = keys.getPublic();
        this.keyId = keyId(publicKey);
    }

    /** A fresh key that lives only in memory (tests). */
    public static TrailSigner generate() {
        try {
            return new TrailSigner(KeyPairGenerator.getInstance("Ed25519").generateKeyPair());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The key in {@code privateKeyFile}; if there is none yet, a new one, written there (owner
     * read-only) with its public half next to it as {@code <name>.pub}.
     */
    public static TrailSigner readOrCreate(Path privateKeyFile) {
        try {
            if (Files.exists(privateKeyFile)) {
                PrivateKey key = KeyFactory.getInstance("Ed25519")
                        .generatePrivate(new PKCS8EncodedKeySpec(readPem(privateKeyFile, PRIVATE)));
                return new TrailSigner(new KeyPair(readPublicKey(publicKeyFile(privateKeyFile)), key));
            }
            TrailSigner created = generate();
            Files.createDirectories(privateKeyFile.toAbsolutePath().getParent());
            writePem(privateKeyFile, PRIVATE, created.privateKey.getEncoded(), true);
            writePem(publicKeyFile(privateKeyFile), PUBLIC, created.publicKey.getEncoded(), false);
            return created;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the trail signing key " + privateKeyFile, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("not an Ed25519 key: " + privateKeyFile, e);
        }
    }

    public static Path publicKeyFile(Path privateKeyFile) {
        return privateKeyFile.resolveSibling(privateKeyFile.getFileName() + ".pub");
    }

    /** @throws IOException if the file cannot be read or holds no Ed25519 public key */
    public static PublicKey readPublicKey(Path file) throws IOException {
        try {
            return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(readPem(file, PUBLIC)));
        } catch (GeneralSecurityException e) {
            throw new IOException("not an Ed25519 public key: " + file, e);
        }
    }

    /** The first 8 bytes of the SHA-256 of the public key's X.509 encoding, in hex. */
    public static String keyId(PublicKey key) {
        byte[] digest = TrailChain.sha256().digest(key.getEncoded());
        return HexFormat.of().formatHex(digest, 0, 8);
    }

    public PublicKey publicKey() {
        return publicKey;
    }

    public String keyId() {
        return keyId;
    }

    /** Writes the public key as PEM, for whoever verifies. */
    public void writePublicKey(Path file) throws IOException {
        writePem(file, PUBLIC, publicKey.getEncoded(), false);
    }

    public Checkpoint sign(UUID spoolId, long treeSize, byte[] root, Instant at) {
        Checkpoint unsigned = new Checkpoint(spoolId, treeSize, root, AuditEvent.canonical(at), keyId, new byte[0]);
        try {
            Signature ed25519 = Signature.getInstance("Ed25519");
            ed25519.initSign(privateKey);
            ed25519.update(unsigned.signedText());
            return new Checkpoint(spoolId, treeSize, root, unsigned.signedAt(), keyId, ed25519.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign a trail checkpoint", e);
        }
    }

    /**
     * Signs an evidence pack's manifest. Only a text that begins as a manifest does is signed: the
     * key signs checkpoints too, and each signature must mean one thing.
     */
    public byte[] signManifest(byte[] text) {
        byte[] manifest = "vigil evidence manifest v1\n".getBytes(StandardCharsets.US_ASCII);
        if (text.length < manifest.length || !Arrays.equals(text, 0, manifest.length, manifest, 0, manifest.length)) {
            throw new IllegalArgumentException("only an evidence manifest is signed this way");
        }
        try {
            Signature ed25519 = Signature.getInstance("Ed25519");
            ed25519.initSign(privateKey);
            ed25519.update(text);
            return ed25519.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign a document", e);
        }
    }

    private static byte[] readPem(Path file, String label) throws IOException {
        String text = Files.readString(file, StandardCharsets.US_ASCII);
        String begin = "-----BEGIN " + label + "-----";
        String end = "-----END " + label + "-----";
        int from = text.indexOf(begin);
        int to = text.indexOf(end);
        if (from < 0 || to < from) {
            throw new IOException("no " + label + " in " + file);
        }
        return Base64.getMimeDecoder().decode(text.substring(from + begin.length(), to));
    }

    private static void writePem(Path file, String label, byte[] der, boolean secret) throws IOException {
        String pem = "-----BEGIN " + label + "-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der) + "\n"
                + "-----END " + label + "-----\n";
        if (secret) {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, pem, StandardCharsets.US_ASCII, StandardOpenOption.TRUNCATE_EXISTING);
        } else {
            Files.writeString(file, pem, StandardCharsets.US_ASCII);
        }
    }
}
