package io.vigil.proxy.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The client side of one SCRAM-SHA-256 exchange: how the gateway logs in to a target with a
 * credential the agent never sees. It verifies the server's signature too, so a spoofed upstream
 * cannot pretend the login succeeded.
 */
public final class ScramClient {

    /** Refuses absurd iteration counts a hostile upstream could use to burn our CPU. */
    private static final int MAX_ITERATIONS = 1_000_000;

    private final String password;
    private final String clientNonce;
    private final String clientFirstBare;
    private byte[] expectedServerSignature;

    public ScramClient(String password, SecureRandom random) {
        this(password, randomNonce(random));
    }

    private ScramClient(String password, String clientNonce) {
        // PostgreSQL takes the user from the startup message and ignores the one in here.
        this(password, "n=,r=" + clientNonce, clientNonce);
    }

    /** For the RFC test vectors, which name a user and fix the nonce. */
    ScramClient(String password, String clientFirstBare, String clientNonce) {
        this.password = password;
        this.clientFirstBare = clientFirstBare;
        this.clientNonce = clientNonce;
    }

    private static String randomNonce(SecureRandom random) {
        byte[] nonce = new byte[18];
        random.nextBytes(nonce);
        return Base64.getEncoder().encodeToString(nonce);
    }

    public byte[] clientFirst() {
        return ("n,," + clientFirstBare).getBytes(StandardCharsets.US_ASCII);
    }

    /** Reads server-first-message and returns client-final-message with the proof. */
    public byte[] clientFinal(byte[] serverFirstMessage) throws AuthenticationFailed {
        String serverFirst = new String(serverFirstMessage, StandardCharsets.US_ASCII);
        String[] parts = serverFirst.split(",");
        if (parts.length < 3
                || !parts[0].startsWith("r=" + clientNonce)
                || !parts[1].startsWith("s=")
                || !parts[2].startsWith("i=")) {
            throw new AuthenticationFailed("malformed server-first-message from the target");
        }
        byte[] salt;
        int iterations;
        try {
            salt = Base64.getDecoder().decode(parts[1].substring(2));
            iterations = Integer.parseInt(parts[2].substring(2));
        } catch (IllegalArgumentException e) {
            throw new AuthenticationFailed("malformed server-first-message from the target");
        }
        if (iterations < 1 || iterations > MAX_ITERATIONS) {
            throw new AuthenticationFailed("the target asked for " + iterations + " SCRAM iterations");
        }
        String withoutProof = "c=biws," + parts[0];
        byte[] authMessage =
                (clientFirstBare + "," + serverFirst + "," + withoutProof).getBytes(StandardCharsets.US_ASCII);
        byte[] salted = ScramSha256.saltedPassword(password, salt, iterations);
        byte[] clientKey = ScramSha256.hmac(salted, "Client Key");
        byte[] clientSignature = ScramSha256.hmac(ScramSha256.sha256(clientKey), authMessage);
        expectedServerSignature = ScramSha256.hmac(ScramSha256.hmac(salted, "Server Key"), authMessage);
        String proof = Base64.getEncoder().encodeToString(ScramSha256.xor(clientKey, clientSignature));
        return (withoutProof + ",p=" + proof).getBytes(StandardCharsets.US_ASCII);
    }

    /** Checks server-final-message: the target must prove it knows the verifier too. */
    public void verifyServerFinal(byte[] serverFinalMessage) throws AuthenticationFailed {
        String serverFinal = new String(serverFinalMessage, StandardCharsets.US_ASCII);
        if (expectedServerSignature == null || !serverFinal.startsWith("v=")) {
            throw new AuthenticationFailed("the target rejected the SCRAM exchange");
        }
        byte[] signature;
        try {
            signature = Base64.getDecoder().decode(serverFinal.substring(2));
        } catch (IllegalArgumentException e) {
            throw new AuthenticationFailed("malformed server-final-message from the target");
        }
        if (!MessageDigest.isEqual(signature, expectedServerSignature)) {
            throw new AuthenticationFailed("the target's SCRAM signature is wrong");
        }
    }
}
