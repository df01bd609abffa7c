package io.vigil.proxy;

import io.vigil.db.VigilStore;
import io.vigil.proxy.audit.JooqAuditSink;
import io.vigil.proxy.audit.TrailSigner;
import io.vigil.proxy.directory.JooqAgentDirectory;
import io.vigil.proxy.directory.JooqPolicyStore;
import io.vigil.proxy.directory.SecretBox;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.InstantSource;
import java.util.HexFormat;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A gateway in a process of its own, for tests that kill it. Arguments: store port, spool
 * directory, credential key (hex), gateway port. Prints "ready" once it listens.
 */
public final class GatewayProcess {

    private GatewayProcess() {}

    public static void main(String[] args) throws InterruptedException {
        PGSimpleDataSource store = new PGSimpleDataSource();
        store.setUrl("jdbc:postgresql://127.0.0.1:" + args[0] + "/vigil");
        store.setUser(TestEnvironment.STORE_USER);
        store.setPassword(TestEnvironment.STORE_PASSWORD);
        // The key outlives the process, like the spool: a restarted gateway signs with the same one.
        TrailSigner signer = TrailSigner.readOrCreate(Path.of(args[1]).resolveSibling("trail-signing.key"));
        JooqAuditSink audit = new JooqAuditSink(store, Path.of(args[1]), signer, JooqAuditSink.Settings.defaults());
        SecretBox secrets = new SecretBox(HexFormat.of().parseHex(args[2]), new SecureRandom());
        Gateway.start(
                GatewayConfig.builder("127.0.0.1", Integer.parseInt(args[3])).build(),
                new JooqAgentDirectory(VigilStore.dsl(store), secrets, InstantSource.system()),
                new JooqPolicyStore(VigilStore.dsl(store)),
                audit);
        System.out.println("ready");
        System.out.flush();
        Thread.currentThread().join();
    }
}
