package io.vigil.proxy.audit.export;

import io.vigil.proxy.audit.Checkpoint;
import io.vigil.proxy.audit.TrailRecord;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** A JSON-lines export of the trail ({@link TrailJson}): records, then checkpoints. */
public record ExportTrail(List<TrailRecord> records, List<Checkpoint> checkpoints) {

    /** Records by spool and leaf (records from before checkpoints last), then the checkpoints. */
    public void write(Path file) throws IOException {
        List<TrailRecord> ordered = new ArrayList<>(records);
        ordered.sort(Comparator.comparing(
                        TrailRecord::spoolId, Comparator.nullsLast(Comparator.<java.util.UUID>naturalOrder()))
                .thenComparing(TrailRecord::leaf, Comparator.nullsLast(Comparator.<Long>naturalOrder()))
                .thenComparing(TrailRecord::sessionId)
                .thenComparingInt(TrailRecord::chainIndex));
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (TrailRecord r : ordered) {
                out.write(TrailJson.line(r));
                out.write('\n');
            }
            for (Checkpoint c : checkpoints) {
                out.write(TrailJson.line(c));
                out.write('\n');
            }
        }
    }

    /** @throws IOException if the file cannot be read or a line is not a record or checkpoint (named by number) */
    public static ExportTrail read(Path file) throws IOException {
        List<TrailRecord> records = new ArrayList<>();
        List<Checkpoint> checkpoints = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            int number = 0;
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                number++;
                if (line.isBlank()) {
                    continue;
                }
                try {
                    switch (TrailJson.parse(line)) {
                        case TrailRecord r -> records.add(r);
                        case Checkpoint c -> checkpoints.add(c);
                        default -> throw new IllegalArgumentException("neither a record nor a checkpoint");
                    }
                } catch (RuntimeException e) {
                    throw new IOException(file + " line " + number + ": " + e.getMessage(), e);
                }
            }
        }
        return new ExportTrail(records, checkpoints);
    }

    /**
     * The checkpoints in a JSON-lines file an auditor kept (an export, the SIEM file, or what a
     * webhook receiver stored, with its gap lines): the rest of it is not read.
     *
     * @throws IOException if the file cannot be read or a checkpoint line is malformed
     */
    public static List<Checkpoint> checkpointsIn(Path file) throws IOException {
        List<Checkpoint> checkpoints = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            int number = 0;
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                number++;
                if (!line.contains("\"type\":\"checkpoint\"")) {
                    continue;
                }
                try {
                    if (TrailJson.parse(line) instanceof Checkpoint c) {
                        checkpoints.add(c);
                    }
                } catch (RuntimeException e) {
                    throw new IOException(file + " line " + number + ": " + e.getMessage(), e);
                }
            }
        }
        return checkpoints;
    }
}
