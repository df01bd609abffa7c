package io.vigil.proxy;

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
                    .build();
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot load the gateway's TLS key store " + keyStore, e);
        }
    }
}
