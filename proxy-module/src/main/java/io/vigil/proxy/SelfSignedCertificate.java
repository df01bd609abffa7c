package io.vigil.proxy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Makes a self-signed certificate for a local gateway (the demo, tests) with the JDK's keytool,
 * for localhost and 127.0.0.1. Real deployments configure a certificate from their own CA.
 */
public final class SelfSignedCertificate {

    private SelfSignedCertificate() {}

    /**
     * Writes a PKCS#12 key store with a fresh EC P-256 key and certificate, unless it exists.
     *
     * @throws IllegalStateException if keytool fails
     */
    public static TlsSettings ensure(Path keyStore, String password) {
        if (Files.exists(keyStore)) {
            return new TlsSettings(keyStore, password);
        }
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        List<String> command = List.of(
                keytool.toString(),
                "-genkeypair",
                "-alias",
                "vigil-gateway",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-validity",
                "825",
                "-dname",
                "CN=localhost, O=Vigil (self-signed)",
                "-ext",
                "SAN=dns:localhost,ip:127.0.0.1",
                "-storetype",
                "PKCS12",
                "-keystore",
                keyStore.toString(),
                "-storepass",
                password,
                "-keypass",
                password);
        try {
            Files.createDirectories(keyStore.toAbsolutePath().getParent());
            Process process =
                    new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("keytool could not create " + keyStore + ": " + output);
            }
            return new TlsSettings(keyStore, password);
        } catch (IOException e) {
            throw new IllegalStateException("cannot run keytool", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating a certificate", e);
        }
    }
}
