package io.vigil.proxy.auth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;

/** PostgreSQL's md5 password response: {@code "md5" + md5hex(md5hex(password + user) + salt)}. */
public final class Md5Password {

    private Md5Password() {}

    public static String response(String user, String password, byte[] salt) {
        String inner = md5Hex((password + user).getBytes(StandardCharsets.UTF_8));
        byte[] innerBytes = inner.getBytes(StandardCharsets.US_ASCII);
        byte[] salted = new byte[innerBytes.length + salt.length];
        System.arraycopy(innerBytes, 0, salted, 0, innerBytes.length);
        System.arraycopy(salt, 0, salted, innerBytes.length, salt.length);
        return "md5" + md5Hex(salted);
    }

    private static String md5Hex(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(data));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("MD5 is part of every JDK", e);
        }
    }
}
