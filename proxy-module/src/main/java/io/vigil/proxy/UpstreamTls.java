package io.vigil.proxy;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.vigil.proxy.directory.Target.TlsMode;
import java.nio.file.Path;
import javax.net.ssl.SSLException;

/**
 * The client-side TLS contexts for connections to targets: one that encrypts without checking the
 * certificate (sslmode=require), one that verifies it against the JDK's trusted CAs, or a CA file
 * when given (sslmode=verify-full; the host name is checked per connection).
 */
public final class UpstreamTls {

    private final SslContext encryptOnly;
    private final SslContext verifying;

    /** @param caCertificates PEM file of CAs to trust for verify-full, or null for the JDK's */
    public UpstreamTls(Path caCertificates) {
        try {
            encryptOnly = SslContextBuilder.forClient()
                    .trustManager(InsecureTrustManagerFactory.INSTANCE)
                    .build();
            SslContextBuilder verify = SslContextBuilder.forClient();
            if (caCertificates != null) {
                verify.trustManager(caCertificates.toFile());
            }
            verifying = verify.build();
        } catch (SSLException e) {
            throw new IllegalStateException("cannot set up TLS to targets", e);
        }
    }

    /** The context for {@code mode}, or null when the mode is {@link TlsMode#DISABLE}. */
    public SslContext context(TlsMode mode) {
        return switch (mode) {
            case DISABLE -> null;
            case REQUIRE -> encryptOnly;
            case VERIFY_FULL -> verifying;
        };
    }
}
