package io.vigil.proxy;

import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;

/**
 * The certificate the gateway presents to agents that ask for TLS, from a PKCS#12 key store.
 *
 * @param keyStore the PKCS#12 file holding the private key and its certificate chain
 * @param password the key store's password
 */
public record TlsSettings(Path keyStore, String password) {

    /** The ALPN protocol name PostgreSQL 17 registered; required for direct TLS, offered otherwise. */
    public static final String ALPN_POSTGRESQL = "postgresql";

    @Override
    public String toString() {
        return "TlsSettings[" + keyStore + "]";
    }

    /**
     * @throws IllegalStateException if the key store cannot be read
     */
    public SslContext serverContext() {
        try (InputStream in = Files.newInputStream(keyStore)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, password.toCharArray());
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, password.toCharArray());
            return SslContextBuilder.forServer(keys)
                    .protocols("TLSv1.3", "TLSv1.2")
                    // A client offering only other protocols gets none; direct TLS then refuses it.
                    .applicationProtocolConfig(new ApplicationProtocolConfig(
                            ApplicationProtocolConfig.Protocol.ALPN,
                            ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                            ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                            ALPN_POSTGRESQL))
                    .build();
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot load the gateway's TLS key store " + keyStore, e);
        }
    }
}
