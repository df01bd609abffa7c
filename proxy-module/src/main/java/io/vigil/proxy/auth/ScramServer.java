package io.vigil.proxy.auth;

import io.vigil.proxy.auth.ScramSha256.Verifier;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * The server side of one SCRAM-SHA-256 exchange, without channel binding (the gateway offers only
 * {@code SCRAM-SHA-256}).
 *
 * <pre>
 * client                                   server
 *   | client-first: n,,n=,r=cnonce            |
 *   |---------------------------------------->|  serverFirst()
 *   |     server-first: r=cnonce+snonce,s=,i= |
 *   |<----------------------------------------|
 *   | client-final: c=biws,r=...,p=proof      |
 *   |---------------------------------------->|  serverFinal(): verifies the proof
 *   |                 server-final: v=sig     |
 *   |<----------------------------------------|
 * </pre>
 *
 * For a user that does not exist (or may not log in) the exchange runs against a mock verifier with
 * a salt derived from the user name, so it looks the same and fails only at the proof, as in
 * PostgreSQL.
 */
public final class ScramServer {

    private static final int NONCE_BYTES = 18;

    /** The verifier whose salt the exchange offers; it and any others sharing the salt may match. */
    private final Verifier verifier;

    private final List<Verifier> candidates;
    private final boolean mock;
    private final SecureRandom random;
    private String gs2Header;
    private String clientFirstBare;
    private String serverFirst;
    private String nonce;

    private ScramServer(List<Verifier> candidates, boolean mock, SecureRandom random) {
        this.verifier = candidates.getFirst();
        this.candidates = List.copyOf(candidates);
        this.mock = mock;
        this.random = random;
    }

    public static ScramServer forVerifier(Verifier verifier, SecureRandom random) {
        return new ScramServer(List.of(verifier), false, random);
    }

    /**
     * An exchange any of an agent's live secrets can pass. SCRAM offers one salt per exchange, so
     * secrets issued in a rotation share their predecessor's salt and iteration count: during the
     * overlap the proof is checked against each verifier with the newest one's salt.
     *
     * @param verifiers the live verifiers, newest first
     */
    public static ScramServer forVerifiers(List<Verifier> verifiers, SecureRandom random) {
        Verifier newest = verifiers.getFirst();
        return new ScramServer(
                verifiers.stream()
                        .filter(v -> v.iterations() == newest.iterations() && Arrays.equals(v.salt(), newest.salt()))
                        .toList(),
                false,
                random);
    }

    /** An exchange that always fails at the proof, indistinguishable before it. */
    public static ScramServer mock(String user, byte[] mockKey, SecureRandom random) {
        byte[] salt = new byte[16];
        System.arraycopy(ScramSha256.hmac(mockKey, user), 0, salt, 0, salt.length);
        byte[] key = new byte[ScramSha256.KEY_LENGTH];
        random.nextBytes(key);
        return new ScramServer(List.of(new Verifier(ScramSha256.DEFAULT_ITERATIONS, salt, key, key)), true, random);
    }

    /** Reads client-first-message and returns server-first-message. */
    public byte[] serverFirst(byte[] clientFirstMessage) throws AuthenticationFailed {
        if (serverFirst != null) {
            throw new IllegalStateException("server-first already sent");
        }
        String message = ascii(clientFirstMessage);
        int headerEnd = gs2HeaderEnd(message);
        gs2Header = message.substring(0, headerEnd);
        clientFirstBare = message.substring(headerEnd);
        String clientNonce = attribute(clientFirstBare, 1, 'r');
        if (!attributeName(clientFirstBare, 0, 'n') || clientNonce.isEmpty()) {
            throw malformed();
        }
        requireOptionalExtensions(clientFirstBare);
        byte[] serverNonce = new byte[NONCE_BYTES];
        random.nextBytes(serverNonce);
        nonce = clientNonce + Base64.getEncoder().encodeToString(serverNonce);
        serverFirst = "r=" + nonce + ",s=" + Base64.getEncoder().encodeToString(verifier.salt()) + ",i="
                + verifier.iterations();
        return serverFirst.getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * Reads client-final-message, verifies the proof and returns server-final-message.
     *
     * @throws AuthenticationFailed if the proof is wrong or the message malformed
     */
    public byte[] serverFinal(byte[] clientFinalMessage) throws AuthenticationFailed {
        if (serverFirst == null) {
            throw new IllegalStateException("server-first not sent yet");
        }
        String message = ascii(clientFinalMessage);
        int proofAt = message.lastIndexOf(",p=");
        if (proofAt < 0) {
            throw malformed();
        }
        String withoutProof = message.substring(0, proofAt);
        String channelBinding = attribute(withoutProof, 0, 'c');
        String finalNonce = attribute(withoutProof, 1, 'r');
        String expectedBinding = Base64.getEncoder().encodeToString(gs2Header.getBytes(StandardCharsets.US_ASCII));
        if (!channelBinding.equals(expectedBinding) || !finalNonce.equals(nonce)) {
            throw malformed();
        }
        byte[] proof = decodeBase64(message.substring(proofAt + 3));
        byte[] authMessage =
                (clientFirstBare + "," + serverFirst + "," + withoutProof).getBytes(StandardCharsets.US_ASCII);
        Verifier matched = proof.length == ScramSha256.KEY_LENGTH ? matching(proof, authMessage) : null;
        if (matched == null || mock) {
            throw new AuthenticationFailed("password authentication failed");
        }
        byte[] serverSignature = ScramSha256.hmac(matched.serverKey(), authMessage);
        return ("v=" + Base64.getEncoder().encodeToString(serverSignature)).getBytes(StandardCharsets.US_ASCII);
    }

    /** The candidate the proof was made for: ClientKey = proof XOR HMAC(StoredKey, AuthMessage). */
    private Verifier matching(byte[] proof, byte[] authMessage) {
        Verifier matched = null;
        for (Verifier candidate : candidates) {
            byte[] clientSignature = ScramSha256.hmac(candidate.storedKey(), authMessage);
            byte[] storedKey = ScramSha256.sha256(ScramSha256.xor(proof, clientSignature));
            if (MessageDigest.isEqual(storedKey, candidate.storedKey()) && matched == null) {
                matched = candidate;
            }
        }
        return matched;
    }

    /** The gs2 header ends after its second comma; channel binding and authzid are refused. */
    private static int gs2HeaderEnd(String message) throws AuthenticationFailed {
        if (message.startsWith("p=")) {
            throw new AuthenticationFailed("channel binding was not offered");
        }
        if (!(message.startsWith("n,") || message.startsWith("y,"))) {
            throw malformed();
        }
        if (message.length() < 3 || message.charAt(2) != ',') {
            throw new AuthenticationFailed("authorization identities are not supported");
        }
        return 3;
    }

    /** The value of the attribute at {@code index} of a comma-separated message, checking its name. */
    private static String attribute(String message, int index, char name) throws AuthenticationFailed {
        String[] parts = message.split(",", -1);
        if (parts.length <= index || !parts[index].startsWith(name + "=")) {
            throw malformed();
        }
        return parts[index].substring(2);
    }

    /**
     * After the nonce a client may add extensions, each {@code name=value}; one we do not know is
     * ignored unless it is mandatory ({@code m=}, RFC 5802 section 5.1), which we support none of.
     */
    private static void requireOptionalExtensions(String clientFirstBare) throws AuthenticationFailed {
        String[] parts = clientFirstBare.split(",", -1);
        for (int i = 2; i < parts.length; i++) {
            String part = parts[i];
            boolean attribute = part.length() >= 2 && Character.isLetter(part.charAt(0)) && part.charAt(1) == '=';
            if (!attribute || part.charAt(0) == 'm') {
                throw malformed();
            }
        }
    }

    private static boolean attributeName(String message, int index, char name) {
        String[] parts = message.split(",", -1);
        return parts.length > index && parts[index].startsWith(name + "=");
    }

    private static String ascii(byte[] bytes) throws AuthenticationFailed {
        for (byte b : bytes) {
            if (b < 0x20 || b > 0x7e) {
                throw malformed();
            }
        }
        return new String(bytes, StandardCharsets.US_ASCII);
    }

    private static byte[] decodeBase64(String text) throws AuthenticationFailed {
        try {
            return Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw malformed();
        }
    }

    private static AuthenticationFailed malformed() {
        return new AuthenticationFailed("malformed SCRAM message");
    }
}
