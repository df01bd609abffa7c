package io.vigil.reporting;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * Issue 7's benchmark, run by {@code reporting/bench/evidence-bench.sh} in a JVM of its own with
 * the heap capped: a campaign of {@code excelItems} generated items to the workbook, then one of
 * {@code pdfItems} to the PDF, {@code rounds} times each. The items are computed as they stream, so
 * the heap holds only what the writers keep.
 */
public final class EvidenceBenchmark {

    private EvidenceBenchmark() {}

    public static void main(String[] args) throws IOException {
        int excelItems = Integer.parseInt(args[0]);
        int pdfItems = Integer.parseInt(args[1]);
        int rounds = Integer.parseInt(args[2]);
        Path dir = Files.createTempDirectory("vigil-evidence-bench-");
        System.out.printf(
                Locale.ROOT,
                "BENCH heap max %d MB, %d cores%n",
                Runtime.getRuntime().maxMemory() >> 20,
                Runtime.getRuntime().availableProcessors());
        for (int round = 1; round <= rounds; round++) {
            Path xlsx = dir.resolve("evidence.xlsx");
            long start = System.nanoTime();
            Metrics metrics;
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(xlsx))) {
                metrics = ExcelReport.write(SamplePack.of(excelItems), out);
            }
            double excelSeconds = (System.nanoTime() - start) / 1e9;
            System.out.printf(
                    Locale.ROOT,
                    "BENCH round %d excel %,d items %.2f s, %.1f MB, peak heap used %d MB%n",
                    round,
                    metrics.items(),
                    excelSeconds,
                    Files.size(xlsx) / 1e6,
                    peakHeapMb());

            Path pdf = dir.resolve("evidence.pdf");
            EvidencePack pack = SamplePack.of(pdfItems);
            Metrics pdfMetrics = countOnly(pack);
            start = System.nanoTime();
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(pdf))) {
                PdfReport.write(pack, pdfMetrics, Map.of("evidence.xlsx", "00".repeat(32)), out);
            }
            double pdfSeconds = (System.nanoTime() - start) / 1e9;
            System.out.printf(
                    Locale.ROOT,
                    "BENCH round %d pdf %,d items %.2f s, %.1f MB, peak heap used %d MB%n",
                    round,
                    pdfMetrics.items(),
                    pdfSeconds,
                    Files.size(pdf) / 1e6,
                    peakHeapMb());
            Files.delete(xlsx);
            Files.delete(pdf);
        }
        Files.delete(dir);
    }

    private static Metrics countOnly(EvidencePack pack) {
        Metrics.Counter counter = new Metrics.Counter();
        pack.items().forEach(counter);
        return counter.metrics();
    }

    private static long peakHeapMb() {
        long peak = 0;
        for (var pool : java.lang.management.ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == java.lang.management.MemoryType.HEAP && pool.getPeakUsage() != null) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        return peak >> 20;
    }
}
