package io.vigil.proxy.sql;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * What of a statement the trail must not keep: passwords, keys and connection strings written as
 * literals or bound as parameters. A secret is replaced by {@code '[redacted]'}, or, with a key
 * from configuration, by {@code '[redacted hmac:<16 hex digits>]'}: the same secret gives the same
 * mark under one key (an auditor can see that two statements used the same password), and nobody
 * without the key can test a guess against it. Never a plain hash.
 *
 * <p>Which literals are secret, decided on PostgreSQL's own tokens:
 *
 * <ul>
 *   <li>a literal right after a word that names a secret, with or without {@code =} or {@code TO}
 *       between: {@code PASSWORD '...'} of CREATE/ALTER ROLE and USER (a SCRAM verifier too, as
 *       psql's {@code \password} sends), {@code OPTIONS (password '...')} of user mappings and
 *       servers, {@code SET app.api_key = '...'}, {@code where password = '...'};
 *   <li>a literal holding a connection string with a password ({@code password=...}, or a URI
 *       with one): dblink, subscriptions, anything else;
 *   <li>a literal holding SQL that sets a password (a DO block, dynamic SQL);
 *   <li>the literals at positions the parse tree marks: the keys of pgcrypto's functions;
 *   <li>every literal of a statement that does not parse: it is refused, and nothing says what
 *       its literals are.
 * </ul>
 *
 * A statement Vigil refused without reading it (too large, too deeply nested, not UTF-8) is kept
 * only by its length. Pure apart from the key; thread-safe.
 */
public final class Redaction {

    static final String MARK = "[redacted]";

    private static final Pattern CONNECTION_PASSWORD =
            Pattern.compile("(?i)password\\s*=|[a-z][a-z0-9+.-]*://[^\\s/@:]*:[^\\s/@]*@");
    private static final Pattern SQL_PASSWORD = Pattern.compile("(?i)password\\s+(?:e|u&)?['$]");
    private static final int EQUALS = '=';

    private final SecretKeySpec key;

    private Redaction(byte[] key) {
        this.key = key == null ? null : new SecretKeySpec(key, "HmacSHA256");
    }

    /** Secrets become {@code [redacted]}. */
    public static Redaction unkeyed() {
        return new Redaction(null);
    }

    /** Secrets become {@code [redacted hmac:...]} under {@code key} (at least 16 bytes). */
    public static Redaction keyed(byte[] key) {
        if (key.length < 16) {
            throw new IllegalArgumentException("the redaction key must have at least 16 bytes");
        }
        return new Redaction(key.clone());
    }

    /**
     * Whether {@code text} could hold a secret that only its content reveals (a connection string
     * or SQL with a password): checked for every text that shares a cached shape, so kept cheap.
     */
    static boolean contentMightHoldSecret(String text) {
        return text.contains("://") || containsIgnoreCase(text, "password");
    }

    /** Whether {@code text} needs its tokens read at all: cheap, errs on the side of reading. */
    static boolean mightHoldSecret(String text) {
        return contentMightHoldSecret(text)
                || containsIgnoreCase(text, "passw")
                || containsIgnoreCase(text, "passphrase")
                || containsIgnoreCase(text, "pwd")
                || containsIgnoreCase(text, "secret")
                || containsIgnoreCase(text, "token")
                || containsIgnoreCase(text, "credential")
                || containsIgnoreCase(text, "key");
    }

    /** A word that names a secret when a literal is given for it. */
    static boolean namesSecret(String word) {
        String w = word.toLowerCase(Locale.ROOT).replace("\"", "");
        return w.contains("password")
                || w.contains("passwd")
                || w.contains("passphrase")
                || w.equals("pwd")
                || w.contains("secret")
                || w.contains("token")
                || w.contains("credential")
                || w.length() > 3 && w.endsWith("key");
    }

    /**
     * {@code text} with its secret literals replaced.
     *
     * @param tokens {@code text}'s tokens, or null if it does not lex: then nothing of it is kept
     * @param anchors byte offsets where the parse tree found a secret: the first literal at or after
     *     each is one
     * @param everyLiteral replace every literal (a statement that does not parse)
     */
    Redacted redact(String text, SqlTokens tokens, int[] anchors, boolean everyLiteral) {
        if (tokens == null) {
            return new Redacted(unread(text), List.of(text));
        }
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        boolean[] secret = new boolean[tokens.size()];
        boolean any = false;
        for (int i = 0; i < tokens.size(); i++) {
            if (tokens.isString(i)) {
                secret[i] = everyLiteral || namedSecret(utf8, tokens, i) || secretContent(token(utf8, tokens, i));
                any |= secret[i];
            }
        }
        for (int anchor : anchors) {
            for (int i = 0; i < tokens.size(); i++) {
                if (tokens.starts()[i] >= anchor && tokens.isString(i)) {
                    any |= !secret[i];
                    secret[i] = true;
                    break;
                }
            }
        }
        if (!any) {
            return new Redacted(text, List.of());
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(utf8.length);
        List<String> removed = new ArrayList<>();
        int copied = 0;
        for (int i = 0; i < tokens.size(); i++) {
            if (secret[i]) {
                String literal = token(utf8, tokens, i);
                removed.add(literal);
                out.write(utf8, copied, tokens.starts()[i] - copied);
                out.writeBytes(("'" + mark(literal) + "'").getBytes(StandardCharsets.UTF_8));
                copied = tokens.ends()[i];
            }
        }
        out.write(utf8, copied, utf8.length - copied);
        return new Redacted(out.toString(StandardCharsets.UTF_8), removed);
    }

    /**
     * A statement with its secrets out, and the literals taken out (to scrub from an error message
     * that quotes them).
     */
    record Redacted(String text, List<String> removed) {}

    /** Bound parameters with the secret ones replaced: those at {@code secret} (1-based), and any that hold one. */
    public List<String> parameters(List<String> values, Set<Integer> secret) {
        List<String> out = null;
        for (int i = 0; i < values.size(); i++) {
            String value = values.get(i);
            if (value != null && (secret.contains(i + 1) || secretContent(value))) {
                if (out == null) {
                    out = new ArrayList<>(values);
                }
                out.set(i, mark(value));
            }
        }
        return out == null ? values : out;
    }

    /** What the trail keeps of a statement Vigil refused without reading it. */
    public static String unread(String text) {
        return "-- [not recorded: a statement of " + text.length() + " characters that Vigil refused unread]";
    }

    /** {@code message} without any of {@code removed} in it (a syntax error quotes the token it stopped at). */
    static String scrub(String message, List<String> removed) {
        String scrubbed = message;
        for (String literal : removed) {
            scrubbed = scrubbed.replace(literal, MARK);
        }
        return scrubbed;
    }

    private String mark(String secret) {
        if (key == null) {
            return MARK;
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            byte[] digest = mac.doFinal(secret.getBytes(StandardCharsets.UTF_8));
            return "[redacted hmac:" + HexFormat.of().formatHex(Arrays.copyOf(digest, 8)) + "]";
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is part of every JDK", e);
        }
    }

    private static boolean secretContent(String literal) {
        return CONNECTION_PASSWORD.matcher(literal).find()
                || SQL_PASSWORD.matcher(literal).find();
    }

    /** The literal at {@code i} follows a word that names a secret, maybe with {@code =} or TO between. */
    private static boolean namedSecret(byte[] utf8, SqlTokens tokens, int i) {
        int j = previous(tokens, i);
        if (j >= 0 && (tokens.symbols()[j] == EQUALS || token(utf8, tokens, j).equalsIgnoreCase("to"))) {
            j = previous(tokens, j);
        }
        return j >= 0 && tokens.isWord(j) && namesSecret(token(utf8, tokens, j));
    }

    private static int previous(SqlTokens tokens, int i) {
        int j = i - 1;
        while (j >= 0 && tokens.isComment(j)) {
            j--;
        }
        return j;
    }

    private static String token(byte[] utf8, SqlTokens tokens, int i) {
        return new String(utf8, tokens.starts()[i], tokens.ends()[i] - tokens.starts()[i], StandardCharsets.UTF_8);
    }

    private static boolean containsIgnoreCase(String text, String word) {
        int last = text.length() - word.length();
        char first = word.charAt(0);
        for (int i = 0; i <= last; i++) {
            char c = text.charAt(i);
            if ((c | 0x20) == first && text.regionMatches(true, i, word, 0, word.length())) {
                return true;
            }
        }
        return false;
    }
}
