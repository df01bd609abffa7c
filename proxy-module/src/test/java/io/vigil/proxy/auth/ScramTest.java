package io.vigil.proxy.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.proxy.auth.ScramSha256.Verifier;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ScramTest {

    private static final SecureRandom RANDOM = new SecureRandom();

    /** RFC 7677 section 3: user "user", password "pencil". */
    @Test
    void clientFollowsTheRfc7677Example() throws AuthenticationFailed {
        ScramClient client = new ScramClient("pencil", "n=user,r=rOprNGfwEbeRWgbNEkqO", "rOprNGfwEbeRWgbNEkqO");
        assertThat(ascii(client.clientFirst())).isEqualTo("n,,n=user,r=rOprNGfwEbeRWgbNEkqO");
        byte[] clientFinal = client.clientFinal(
                bytes("r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096"));
        assertThat(ascii(clientFinal))
                .isEqualTo("c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
                        + "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=");
        client.verifyServerFinal(bytes("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="));
    }

    @Test
    void aSpoofedServerSignatureIsRejected() throws AuthenticationFailed {
        ScramClient client = new ScramClient("pencil", "n=user,r=rOprNGfwEbeRWgbNEkqO", "rOprNGfwEbeRWgbNEkqO");
        client.clientFinal(
                bytes("r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096"));
        assertThatThrownBy(() -> client.verifyServerFinal(bytes("v=AAAATRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=")))
                .isInstanceOf(AuthenticationFailed.class);
    }

    @Test
    void serverAcceptsTheRightSecretAndProvesItKnowsTheVerifier() throws AuthenticationFailed {
        Verifier verifier = Verifier.of("agent-secret", RANDOM);
        ScramServer server = ScramServer.forVerifier(verifier, RANDOM);
        ScramClient client = new ScramClient("agent-secret", RANDOM);
        byte[] serverFirst = server.serverFirst(client.clientFirst());
        byte[] serverFinal = server.serverFinal(client.clientFinal(serverFirst));
        client.verifyServerFinal(serverFinal);
    }

    @Test
    void duringARotationBothSecretsPassAndEachGetsItsOwnServerSignature() throws AuthenticationFailed {
        Verifier old = Verifier.of("old-secret", RANDOM);
        Verifier rotated = Verifier.of("new-secret", old.salt(), old.iterations());
        for (String secret : List.of("old-secret", "new-secret")) {
            ScramServer server = ScramServer.forVerifiers(List.of(rotated, old), RANDOM);
            ScramClient client = new ScramClient(secret, RANDOM);
            byte[] serverFinal = server.serverFinal(client.clientFinal(server.serverFirst(client.clientFirst())));
            client.verifyServerFinal(serverFinal);
        }
        ScramServer server = ScramServer.forVerifiers(List.of(rotated, old), RANDOM);
        ScramClient stranger = new ScramClient("neither", RANDOM);
        byte[] clientFinal = stranger.clientFinal(server.serverFirst(stranger.clientFirst()));
        assertThatThrownBy(() -> server.serverFinal(clientFinal)).isInstanceOf(AuthenticationFailed.class);
    }

    @Test
    void aVerifierWithAnotherSaltIsNotACandidate() throws AuthenticationFailed {
        Verifier newest = Verifier.of("new-secret", RANDOM);
        Verifier unrelated = Verifier.of("old-secret", RANDOM);
        ScramServer server = ScramServer.forVerifiers(List.of(newest, unrelated), RANDOM);
        ScramClient client = new ScramClient("old-secret", RANDOM);
        byte[] clientFinal = client.clientFinal(server.serverFirst(client.clientFirst()));
        assertThatThrownBy(() -> server.serverFinal(clientFinal)).isInstanceOf(AuthenticationFailed.class);
    }

    @Test
    void serverRejectsAWrongSecret() throws AuthenticationFailed {
        ScramServer server = ScramServer.forVerifier(Verifier.of("agent-secret", RANDOM), RANDOM);
        ScramClient client = new ScramClient("not-the-secret", RANDOM);
        byte[] clientFinal = client.clientFinal(server.serverFirst(client.clientFirst()));
        assertThatThrownBy(() -> server.serverFinal(clientFinal)).isInstanceOf(AuthenticationFailed.class);
    }

    @Test
    void aMockExchangeFailsEvenWithAnyProofAndKeepsItsSaltPerUser() throws AuthenticationFailed {
        byte[] key = new byte[32];
        ScramServer mock = ScramServer.mock("ghost", key, RANDOM);
        ScramClient client = new ScramClient("anything", RANDOM);
        String serverFirst = ascii(mock.serverFirst(client.clientFirst()));
        byte[] clientFinal = client.clientFinal(bytes(serverFirst));
        assertThatThrownBy(() -> mock.serverFinal(clientFinal)).isInstanceOf(AuthenticationFailed.class);
        String again = ascii(ScramServer.mock("ghost", key, RANDOM).serverFirst(client.clientFirst()));
        assertThat(salt(again)).isEqualTo(salt(serverFirst));
    }

    @ParameterizedTest(name = "client-first {0} is refused")
    @CsvSource(
            delimiter = '|',
            value = {
                "p=tls-server-end-point,,n=,r=abc",
                "n,a=admin,n=,r=abc",
                "x,,n=,r=abc",
                "n,,r=abc",
                "n,,n=,r=",
                "n,,n=,q=abc",
                "n,,n=,r=abc,b", // not an attribute
                "n,,n=,r=abc,",
                "n,,n=,r=abc,=x",
                "n,,n=,r=abc,m=must-understand", // a mandatory extension
                "n,,m=must-understand,n=,r=abc",
                "''"
            })
    void malformedClientFirstMessagesAreRefused(String message) {
        ScramServer server = ScramServer.forVerifier(Verifier.of("s", RANDOM), RANDOM);
        assertThatThrownBy(() -> server.serverFirst(bytes(message))).isInstanceOf(AuthenticationFailed.class);
    }

    @ParameterizedTest(name = "client-first {0} is answered")
    @CsvSource(
            delimiter = '|',
            value = {
                "n,,n=,r=abc",
                "y,,n=,r=abc", // the client could bind to the channel, and the server offered no -PLUS
                "n,,n=bot,r=abc", // PostgreSQL ignores the name: the startup packet's user counts
                "n,,n=,r=abc,x=optional-extension"
            })
    void wellFormedClientFirstMessagesAreAnswered(String message) throws AuthenticationFailed {
        ScramServer server = ScramServer.forVerifier(Verifier.of("s", RANDOM), RANDOM);
        assertThat(ascii(server.serverFirst(bytes(message)))).startsWith("r=abc");
    }

    @ParameterizedTest(name = "client-final {0} is refused")
    @CsvSource(
            delimiter = '|',
            value = {
                "c=biws,r=NONCE",
                "c=eSws,r=NONCE,p=AAAA",
                "c=biws,r=other,p=AAAA",
                "c=biws,r=NONCE,p=!!!notbase64",
                "c=biws,r=NONCE,p=AAAA"
            })
    void malformedOrWrongClientFinalMessagesAreRefused(String template) throws AuthenticationFailed {
        ScramServer server = ScramServer.forVerifier(Verifier.of("s", RANDOM), RANDOM);
        String serverFirst = ascii(server.serverFirst(bytes("n,,n=,r=abc")));
        String nonce = serverFirst.substring(2, serverFirst.indexOf(','));
        assertThatThrownBy(() -> server.serverFinal(bytes(template.replace("NONCE", nonce))))
                .isInstanceOf(AuthenticationFailed.class);
    }

    @Test
    void nonPrintableBytesAreRefused() {
        ScramServer server = ScramServer.forVerifier(Verifier.of("s", RANDOM), RANDOM);
        assertThatThrownBy(() -> server.serverFirst(new byte[] {'n', ',', ',', 0, 'r'}))
                .isInstanceOf(AuthenticationFailed.class);
    }

    @Test
    void verifiersRoundTripInPostgresFormat() {
        Verifier v = Verifier.of("pencil", Base64.getDecoder().decode("W22ZaJ0SNY7soEsUEjb6gQ=="), 4096);
        String text = v.encode();
        assertThat(text).startsWith("SCRAM-SHA-256$4096:W22ZaJ0SNY7soEsUEjb6gQ==$");
        Verifier parsed = Verifier.parse(text);
        assertThat(parsed.storedKey()).isEqualTo(v.storedKey());
        assertThat(parsed.serverKey()).isEqualTo(v.serverKey());
        assertThat(v.toString()).doesNotContain(Base64.getEncoder().encodeToString(v.storedKey()));
    }

    @ParameterizedTest
    @CsvSource({"md5abc", "SCRAM-SHA-256$4096:c2FsdA==$AAAA:BBBB", "SCRAM-SHA-1$1:a$b:c"})
    void malformedVerifiersAreRejected(String text) {
        assertThatThrownBy(() -> Verifier.parse(text)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void md5ResponseMatchesPostgres() {
        // md5(md5("secret" + "alice") + salt), as libpq computes it.
        assertThat(Md5Password.response("alice", "secret", new byte[] {1, 2, 3, 4}))
                .isEqualTo("md5"
                        + md5Hex(concat(
                                md5Hex("secretalice".getBytes(StandardCharsets.UTF_8))
                                        .getBytes(StandardCharsets.US_ASCII),
                                new byte[] {1, 2, 3, 4})));
    }

    private static String md5Hex(byte[] data) {
        try {
            return java.util.HexFormat.of()
                    .formatHex(java.security.MessageDigest.getInstance("MD5").digest(data));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static String salt(String serverFirst) {
        return serverFirst.split(",")[1];
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static String ascii(byte[] b) {
        return new String(b, StandardCharsets.US_ASCII);
    }
}
