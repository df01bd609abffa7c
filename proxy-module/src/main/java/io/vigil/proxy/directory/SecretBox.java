package io.vigil.proxy.directory;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts upstream credentials at rest with AES-256-GCM. The key comes from Vigil's configuration,
 * never from the store, so a copy of the store alone does not reveal a credential. Each value is
 * bound to its owner (the associated data), so it cannot be moved to another row.
 *
 * <p>Format: {@code nonce(12) || ciphertext || tag(16)}.
 */
public final class SecretBox {

    private static final int NONCE_LENGTH = 12;
    private static final int TAG_BITS = 128;

    private final SecretKeySpec key;
    private final SecureRandom random;

    public SecretBox(byte[] key, SecureRandom random) {
        if (key.length != 32) {
            throw new IllegalArgumentException("the credential key must be 32 bytes (AES-256)");
        }
        this.key = new SecretKeySpec(key.clone(), "AES");
        this.random = random;
    }

    /** A box whose key is given in base64, as in configuration. */
    public static SecretBox fromBase64(String key) {
        return new SecretBox(Base64.getDecoder().decode(key.strip()), new SecureRandom());
    }

    public byte[] seal(String plaintext, String owner) {
        byte[] nonce = new byte[NONCE_LENGTH];
        random.nextBytes(nonce);
        byte[] sealed = crypt(Cipher.ENCRYPT_MODE, nonce, owner, plaintext.getBytes(StandardCharsets.UTF_8), 0);
        byte[] out = new byte[NONCE_LENGTH + sealed.length];
        System.arraycopy(nonce, 0, out, 0, NONCE_LENGTH);
        System.arraycopy(sealed, 0, out, NONCE_LENGTH, sealed.length);
        return out;
    }

    /**
     * @throws IllegalStateException if the value was not sealed with this key for this owner
     */
    public String open(byte[] sealed, String owner) {
        if (sealed.length < NONCE_LENGTH + TAG_BITS / 8) {
            throw new IllegalStateException("sealed credential is truncated");
        }
        byte[] nonce = java.util.Arrays.copyOf(sealed, NONCE_LENGTH);
        return new String(crypt(Cipher.DECRYPT_MODE, nonce, owner, sealed, NONCE_LENGTH), StandardCharsets.UTF_8);
    }

    private byte[] crypt(int mode, byte[] nonce, String owner, byte[] input, int offset) {
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(mode, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(owner.getBytes(StandardCharsets.UTF_8));
            return cipher.doFinal(input, offset, input.length - offset);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("credential cannot be opened with the configured key", e);
        }
    }
}
