package io.vigil.review;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Vigil's settings ({@code vigil.*}).
 *
 * @param dataDir where a local installation keeps its state: the embedded PostgreSQL and the
 *     secrets it generates
 * @param demo run the embedded demo: embedded PostgreSQL, built-in identity provider, seeded data
 * @param publicUrl the URL people reach the web app at; the built-in identity provider's issuer
 * @param credentialKey base64 AES-256 key for upstream credentials; generated into the data
 *     directory when absent
 */
@ConfigurationProperties("vigil")
public record VigilProperties(
        @DefaultValue(".vigil") Path dataDir,
        @DefaultValue("false") boolean demo,
        @DefaultValue("http://127.0.0.1:8080") String publicUrl,
        String credentialKey,
        @DefaultValue Gateway gateway,
        @DefaultValue Trail trail) {

    /**
     * The audit trail ({@code vigil.trail.*}).
     *
     * @param signingKey the Ed25519 private key (PKCS#8 PEM) that signs checkpoints; keep it off the
     *     store's machine in production. Unset: generated into {@code <data-dir>/secrets}, with its
     *     public half next to it ({@code .pub}) for {@code vigil audit verify}
     * @param checkpointInterval how often the trail's Merkle root is signed
     * @param exportFile a file every stored record is appended to as a JSON line (for a SIEM agent)
     * @param webhookUrl an endpoint every stored batch is POSTed to as JSON lines
     * @param webhookToken sent to it as {@code Authorization: Bearer …}
     * @param retention how long statements are kept (whole months are dropped once all of them are
     *     older); unset keeps them for ever. Sessions, refused logins and every record's hash stay.
     * @param redactionKey a file holding the key of the HMAC that marks redacted secrets (a
     *     password in a statement becomes {@code [redacted hmac:...]}); unset: generated into
     *     {@code <data-dir>/secrets/redaction.key}
     */
    public record Trail(
            Path signingKey,
            @DefaultValue("30s") java.time.Duration checkpointInterval,
            Path exportFile,
            java.net.URI webhookUrl,
            String webhookToken,
            java.time.Duration retention,
            Path redactionKey) {

        /** Without the token: settings get printed. */
        @Override
        public String toString() {
            return "Trail[" + signingKey + ", " + checkpointInterval + ", " + exportFile + ", " + webhookUrl + ", "
                    + retention + "]";
        }
    }

    /** The audience of the built-in provider's workload tokens, which the demo's gateway accepts. */
    public static final String DEMO_TOKEN_AUDIENCE = "vigil-gateway";

    /** The checkpoint signing key's file: configured, or the data directory's own. */
    public Path trailSigningKey() {
        return trail.signingKey() != null
                ? trail.signingKey()
                : dataDir.resolve("secrets").resolve("trail-signing.key");
    }

    /** The file of the key that marks redacted secrets: configured, or the data directory's own. */
    public Path trailRedactionKey() {
        return trail.redactionKey() != null
                ? trail.redactionKey()
                : dataDir.resolve("secrets").resolve("redaction.key");
    }

    /**
     * @param port 0 picks a free port (tests)
     * @param keyStore PKCS#12 key store with the certificate agents see over TLS; the demo
     *     generates a self-signed one when none is set
     * @param keyStorePassword the key store's password
     * @param tokens the workload-token issuer, if any
     * @param maxStatementBytes longer statements are refused (54000) unparsed; parsing one this long
     *     takes about 18 times its size in memory, on at most two threads at once
     */
    public record Gateway(
            @DefaultValue("127.0.0.1") String host,
            @DefaultValue("6432") int port,
            Path keyStore,
            String keyStorePassword,
            Tokens tokens,
            @DefaultValue("4194304") int maxStatementBytes) {}

    /**
     * The issuer whose access tokens agents with a workload identity present ({@code
     * vigil.gateway.tokens.*}); unset, no agent can use one.
     *
     * @param agentClaim the claim holding the agent's name
     * @param onBehalfOfClaim the claim naming the human the agent acts for
     * @param taskClaim the claim naming the task or ticket
     */
    public record Tokens(
            String issuer,
            String audience,
            java.net.URI jwksUri,
            @DefaultValue("sub") String agentClaim,
            @DefaultValue("act.sub") String onBehalfOfClaim,
            @DefaultValue("task_id") String taskClaim) {}
}
