package io.vigil.proxy.auth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The SCRAM-SHA-256 primitives (RFC 5802 section 3) and verifiers in PostgreSQL's format.
 *
 * <p>Passwords are used as their UTF-8 bytes. PostgreSQL applies SASLprep first, which changes only
 * non-ASCII passwords; the secrets Vigil issues are ASCII.
 */
public final class ScramSha256 {

    public static final String MECHANISM = "SCRAM-SHA-256";
    public static final int DEFAULT_ITERATIONS = 4096;
    static final int KEY_LENGTH = 32;
    private static final int SALT_LENGTH = 16;

    private ScramSha256() {}

    /**
     * A stored verifier: what the server keeps instead of the secret. Parsing and printing use
     * PostgreSQL's {@code SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>}.
     */
    public record Verifier(int iterations, byte[] salt, byte[] storedKey, byte[] serverKey) {

        /** Derives the verifier of {@code password} with a fresh random salt. */
        public static Verifier of(String password, SecureRandom random) {
            byte[] salt = new byte[SALT_LENGTH];
            random.nextBytes(salt);
            return of(password, salt, DEFAULT_ITERATIONS);
        }

        public static Verifier of(String password, byte[] salt, int iterations) {
            byte[] salted = saltedPassword(password, salt, iterations);
            return new Verifier(iterations, salt, sha256(hmac(salted, "Client Key")), hmac(salted, "Server Key"));
        }

        /**
         * Parses PostgreSQL's text form.
         *
         * @throws IllegalArgumentException if {@code text} is not a SCRAM-SHA-256 verifier
         */
        public static Verifier parse(String text) {
            String[] parts = text.split("[$:]");
            if (parts.length != 5 || !parts[0].equals(MECHANISM)) {
                throw new IllegalArgumentException("not a SCRAM-SHA-256 verifier");
            }
            Base64.Decoder b64 = Base64.getDecoder();
            Verifier v = new Verifier(
                    Integer.parseInt(parts[1]), b64.decode(parts[2]), b64.decode(parts[3]), b64.decode(parts[4]));
            if (v.iterations < 1 || v.storedKey.length != KEY_LENGTH || v.serverKey.length != KEY_LENGTH) {
                throw new IllegalArgumentException("malformed SCRAM-SHA-256 verifier");
            }
            return v;
        }

        public String encode() {
            Base64.Encoder b64 = Base64.getEncoder();
            return MECHANISM + "$" + iterations + ":" + b64.encodeToString(salt) + "$" + b64.encodeToString(storedKey)
                    + ":" + b64.encodeToString(serverKey);
        }

        @Override
        public String toString() {
            return "Verifier[iterations=" + iterations + "]";
        }
    }

    /** Hi(password, salt, i): PBKDF2 with HMAC-SHA-256 and one block. */
    static byte[] saltedPassword(String password, byte[] salt, int iterations) {
        Mac mac = mac(password.getBytes(StandardCharsets.UTF_8));
        mac.update(salt);
        mac.update(new byte[] {0, 0, 0, 1});
        byte[] u = mac.doFinal();
        byte[] result = u.clone();
        for (int i = 1; i < iterations; i++) {
            u = mac.doFinal(u);
            for (int j = 0; j < result.length; j++) {
                result[j] ^= u[j];
            }
        }
        return result;
    }

    static byte[] hmac(byte[] key, String message) {
        return hmac(key, message.getBytes(StandardCharsets.UTF_8));
    }

    static byte[] hmac(byte[] key, byte[] message) {
        return mac(key).doFinal(message);
    }

    static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    static byte[] xor(byte[] a, byte[] b) {
        byte[] out = new byte[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = (byte) (a[i] ^ b[i]);
        }
        return out;
    }

    private static Mac mac(byte[] key) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            // An empty key is legal in HMAC but not in SecretKeySpec; SCRAM never uses one.
            mac.init(new SecretKeySpec(key.length == 0 ? new byte[1] : key, "HmacSHA256"));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
