package io.vigil.review.gateway;

import io.vigil.db.LocalSecrets;
import io.vigil.proxy.directory.SecretBox;
import io.vigil.review.VigilProperties;
import java.util.Base64;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The key that protects upstream credentials at rest. It comes from configuration ({@code
 * vigil.credential-key}, for example from the environment); a local installation without one
 * generates it into its data directory. It is never written to the store.
 */
@Configuration(proxyBeanMethods = false)
class CredentialsConfiguration {

    @Bean
    SecretBox credentialBox(VigilProperties properties) {
        String key = properties.credentialKey();
        if (key == null || key.isBlank()) {
            String generated = LocalSecrets.readOrCreate(properties.dataDir().resolve("credential.key"), 32);
            return SecretBox.fromBase64(
                    Base64.getEncoder().encodeToString(Base64.getUrlDecoder().decode(generated)));
        }
        return SecretBox.fromBase64(key);
    }
}
