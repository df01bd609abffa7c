package io.vigil.proxy.bench;

import io.vigil.proxy.TestEnvironment;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * The stack bench/pgbench-compare.sh measures: one embedded PostgreSQL 15 holding Vigil's store
 * and the target {@code shop}, and the gateway in front of it with recording on. Two agents: one
 * judged by a policy without rules (recording, and the verdict's fixed cost), one by the baseline
 * preset's full rule set as well. Prints what the script needs as shell assignments, then runs until
 * killed.
 */
public final class BenchStack {

    private BenchStack() {}

    public static void main(String[] args) throws InterruptedException {
        Path dir = Path.of(args[0]);
        TestEnvironment env = new TestEnvironment(dir);
        String secret = "bench-" + Long.toHexString(System.nanoTime());
        env.agent("bench-agent", "bench", secret);
        env.agent("bench-guarded", "bench", secret);
        env.enforceFor("baseline", "bench-guarded");
        Runtime.getRuntime().addShutdownHook(new Thread(env::close));
        var out = System.out;
        out.println("PG_PORT=" + env.postgres.port());
        out.println("PG_USER=" + TestEnvironment.UPSTREAM_ROLE);
        out.println("PG_PASSWORD=" + TestEnvironment.UPSTREAM_PASSWORD);
        out.println("VIGIL_PORT=" + env.gateway.address().getPort());
        out.println("VIGIL_USER=bench-agent");
        out.println("VIGIL_PASSWORD=" + secret);
        out.println("VIGIL_BASELINE_USER=bench-guarded");
        out.println("READY");
        out.flush();
        new CountDownLatch(1).await();
    }
}
