package io.vigil.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadFactory;
import org.junit.jupiter.api.Test;

class CpuAffinityTest {

    /** What the kernel says this thread may run on, e.g. "0-3,8". */
    private static List<Integer> fromProc() throws IOException {
        String line = Files.readAllLines(Path.of("/proc/thread-self/status")).stream()
                .filter(l -> l.startsWith("Cpus_allowed_list:"))
                .findFirst()
                .orElseThrow();
        List<Integer> cpus = new ArrayList<>();
        for (String range : line.substring(line.indexOf(':') + 1).strip().split(",")) {
            String[] ends = range.split("-");
            int from = Integer.parseInt(ends[0]);
            int to = Integer.parseInt(ends[ends.length - 1]);
            for (int cpu = from; cpu <= to; cpu++) {
                cpus.add(cpu);
            }
        }
        return cpus;
    }

    /** Runs {@code body} on a new thread, whose affinity it may change, and waits for it. */
    private static void onNewThread(ThrowingRunnable body) throws Exception {
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        Thread t = new Thread(() -> {
            try {
                body.run();
            } catch (Throwable e) {
                failures.add(e);
            }
        });
        t.start();
        t.join();
        if (!failures.isEmpty()) {
            throw new AssertionError(failures.getFirst());
        }
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }

    @Test
    void theAllowedCpusAreWhatTheKernelSays() throws Exception {
        assertThat(CpuAffinity.allowed()).isNotEmpty().isEqualTo(fromProc());
    }

    @Test
    void aPinnedThreadRunsOnlyOnItsCpu() throws Exception {
        int last = CpuAffinity.allowed().getLast();
        onNewThread(() -> {
            assertThat(CpuAffinity.pinCurrentThread(last)).isTrue();
            assertThat(CpuAffinity.allowed()).containsExactly(last);
            assertThat(fromProc()).containsExactly(last);
        });
        assertThat(CpuAffinity.allowed())
                .as("other threads keep theirs")
                .isEqualTo(fromProc())
                .hasSizeGreaterThan(0);
    }

    @Test
    void aCpuThatIsNotThereIsRefusedAndChangesNothing() throws Exception {
        List<Integer> before = CpuAffinity.allowed();
        onNewThread(() -> {
            assertThat(CpuAffinity.pinCurrentThread(-1)).isFalse();
            assertThat(CpuAffinity.pinCurrentThread(1_024)).isFalse();
            assertThat(CpuAffinity.pinCurrentThread(1_023)).isEqualTo(before.contains(1_023));
            if (!before.contains(1_023)) {
                assertThat(CpuAffinity.allowed()).isEqualTo(before);
            }
        });
    }

    @Test
    void pinnedEventLoopsTakeOneAllowedCpuEachInOrder() throws Exception {
        List<Integer> cpus = CpuAffinity.allowed();
        ThreadFactory threads = Gateway.eventLoopThreads(GatewayConfig.builder("127.0.0.1", 0)
                .ioThreads(cpus.size())
                .pinEventLoops(true)
                .build());
        List<List<Integer>> seen = new CopyOnWriteArrayList<>();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < cpus.size(); i++) {
            int loop = i;
            seen.add(List.of());
            Thread t = threads.newThread(() -> seen.set(loop, CpuAffinity.allowed()));
            names.add(t.getName());
            t.start();
            t.join();
        }
        for (int i = 0; i < cpus.size(); i++) {
            assertThat(seen.get(i)).as(names.get(i)).containsExactly(cpus.get(i));
        }
    }

    @Test
    void moreLoopsThanCpusAreLeftToTheScheduler() throws Exception {
        List<Integer> cpus = CpuAffinity.allowed();
        ThreadFactory threads = Gateway.eventLoopThreads(GatewayConfig.builder("127.0.0.1", 0)
                .ioThreads(cpus.size() + 1)
                .pinEventLoops(true)
                .build());
        List<List<Integer>> seen = new CopyOnWriteArrayList<>();
        Thread t = threads.newThread(() -> seen.add(CpuAffinity.allowed()));
        t.start();
        t.join();
        assertThat(seen).containsExactly(cpus);
    }
}
