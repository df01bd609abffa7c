package io.vigil.proxy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a real client program (psql, pgbench, node, python) and captures what it printed. */
record Cli(int exitCode, String out, String err) {

    static Cli run(Path workDir, Map<String, String> env, Duration timeout, List<String> command)
            throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile());
        pb.environment().putAll(env);
        Path out = java.nio.file.Files.createTempFile("cli", ".out");
        Path err = java.nio.file.Files.createTempFile("cli", ".err");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(command + " did not finish within " + timeout);
        }
        return new Cli(
                p.exitValue(),
                java.nio.file.Files.readString(out, StandardCharsets.UTF_8),
                java.nio.file.Files.readString(err, StandardCharsets.UTF_8));
    }

    Cli ok() {
        if (exitCode != 0) {
            throw new AssertionError("exit " + exitCode + "\nstdout:\n" + out + "\nstderr:\n" + err);
        }
        return this;
    }
}
