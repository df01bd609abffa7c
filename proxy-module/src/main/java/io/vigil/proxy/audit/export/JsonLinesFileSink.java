package io.vigil.proxy.audit.export;

import io.vigil.proxy.audit.Checkpoint;
import io.vigil.proxy.audit.TrailListener;
import io.vigil.proxy.audit.TrailRecord;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Appends every stored record and checkpoint to a file, one JSON object per line, for a SIEM agent
 * (Filebeat, Fluent Bit, Splunk's forwarder) to tail. Written after each commit, flushed per
 * batch; rotation is left to the host's logrotate ({@code copytruncate}).
 */
public final class JsonLinesFileSink implements TrailListener, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(JsonLinesFileSink.class);

    private final Path file;
    private final BufferedWriter out;

    public JsonLinesFileSink(Path file) throws IOException {
        this.file = file;
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        this.out = Files.newBufferedWriter(
                file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    @Override
    public synchronized void stored(List<TrailRecord> records, Checkpoint checkpoint) {
        try {
            for (TrailRecord r : records) {
                out.write(TrailJson.line(r));
                out.write('\n');
            }
            if (checkpoint != null) {
                out.write(TrailJson.line(checkpoint));
                out.write('\n');
            }
            out.flush();
        } catch (IOException e) {
            // The store has the records; the file can be refilled with `vigil audit export`.
            log.error("cannot append the trail to {}: {}", file, e.getMessage());
        }
    }

    @Override
    public synchronized void close() throws IOException {
        out.close();
    }
}
