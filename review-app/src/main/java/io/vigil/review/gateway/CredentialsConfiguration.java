package io.vigil.review.gateway;

import io.vigil.db.LocalSecrets;
import io.vigil.proxy.directory.SecretBox;
import io.vigil.review.VigilProperties;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Base64;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The key that protects upstream credentials at rest. It comes from configuration ({@code
 * vigil.credential-key}, for example from the environment); a local installation without one
 * generates it into its data directory's {@code secrets/}, with the other secrets (one made by an
 * earlier version, beside {@code secrets/}, is moved there). It is never written to the store.
 */
@Configuration(proxyBeanMethods = false)
class CredentialsConfiguration {

    @Bean
    SecretBox credentialBox(VigilProperties properties) {
        String key = properties.credentialKey();
        if (key == null || key.isBlank()) {
            Path file = properties.dataDir().resolve("secrets/credential.key");
            moveFromEarlierPlace(properties.dataDir().resolve("credential.key"), file);
            String generated = LocalSecrets.readOrCreate(file, 32);
            return SecretBox.fromBase64(
                    Base64.getEncoder().encodeToString(Base64.getUrlDecoder().decode(generated)));
        }
        return SecretBox.fromBase64(key);
    }

    private static void moveFromEarlierPlace(Path earlier, Path now) {
        try {
            if (Files.exists(earlier) && !Files.exists(now)) {
                Files.createDirectories(now.getParent());
                Files.move(earlier, now, StandardCopyOption.ATOMIC_MOVE);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot move " + earlier + " to " + now, e);
        }
    }
}
