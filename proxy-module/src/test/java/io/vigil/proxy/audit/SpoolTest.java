package io.vigil.proxy.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpoolTest {

    @TempDir
    Path dir;

    @Test
    void onlyItsOwnerCanReadTheSpool() throws IOException {
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        try (Spool spool = open(100, 10_000)) {
            for (int i = 0; i < 20; i++) {
                spool.append(bytes("select secret " + i));
            }
        }
        // What an older spool left world-readable is tightened when it is opened again.
        Path leftOver = dir.resolve("segment-0000000000000000.spool");
        Files.setPosixFilePermissions(leftOver, PosixFilePermissions.fromString("rw-r--r--"));
        open(100, 10_000).close();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)))
                .isEqualTo("rwx------");
        try (var files = Files.list(dir)) {
            assertThat(files.toList()).hasSizeGreaterThan(2).allSatisfy(f -> assertThat(
                            PosixFilePermissions.toString(Files.getPosixFilePermissions(f)))
                    .as(f.toString())
                    .isEqualTo("rw-------"));
        }
    }

    @Test
    void recordsComeBackInOrderAcrossSegments() {
        try (Spool spool = open(100, 10_000)) {
            for (int i = 0; i < 20; i++) {
                assertThat(spool.append(bytes("record " + i))).isTrue();
            }
            List<Spool.Record> records = spool.read(0, 1 << 20);
            assertThat(records)
                    .extracting(r -> text(r.payload()))
                    .startsWith("record 0", "record 1")
                    .hasSize(20);
            assertThat(segments()).hasSizeGreaterThan(1);
        }
    }

    @Test
    void aReopenedSpoolContinuesAfterItsLastWholeRecordAndCutsATornTail() throws IOException {
        try (Spool spool = open(1 << 20, 1 << 20)) {
            spool.append(bytes("first"));
            spool.append(bytes("second"));
        }
        // A crash in the middle of a copy leaves half a record after the last whole one.
        long end = 2 * 8 + "first".length() + "second".length();
        try (FileChannel segment = FileChannel.open(segments().getLast(), StandardOpenOption.WRITE)) {
            segment.write(ByteBuffer.wrap(new byte[] {0, 0, 0, 50, 1, 2, 3, 4, 5}), end);
        }
        try (Spool spool = open(1 << 20, 1 << 20)) {
            assertThat(spool.written()).isEqualTo(end);
            assertThat(spool.append(bytes("3rd"))).isTrue();
            assertThat(spool.read(0, 1 << 20))
                    .extracting(r -> text(r.payload()))
                    .containsExactly("first", "second", "3rd");
        }
        try (Spool spool = open(1 << 20, 1 << 20)) {
            assertThat(spool.read(0, 1 << 20))
                    .as("the torn bytes are never read again")
                    .extracting(r -> text(r.payload()))
                    .containsExactly("first", "second", "3rd");
            assertThat(spool.append(bytes("fourth"))).isTrue();
            assertThat(spool.read(0, 1 << 20)).hasSize(4);
        }
        assertThat(segments()).as("the restarts went on in the one segment").hasSize(1);
    }

    /**
     * What this process appended comes back from memory with what it was made from; what memory no
     * longer holds (evicted by the cache's bound, or after a restart) comes from the file, the same
     * bytes, without it. Shipped records leave memory.
     */
    @Test
    void theUnshippedTailIsReadFromMemoryAndTheRestFromTheFile() {
        int record = 8 + "record 0".length();
        try (Spool spool = new Spool(dir, 1 << 20, 1 << 20, 3L * record)) {
            spool.recover(0);
            for (int i = 0; i < 5; i++) {
                assertThat(spool.append(bytes("record " + i), "made from " + i)).isTrue();
            }
            List<Spool.Record> all = spool.read(0, 1 << 20);
            assertThat(all).extracting(r -> text(r.payload())).hasSize(5).startsWith("record 0");
            assertThat(all).extracting(Spool.Record::attachment).containsOnlyNulls(); // 0 and 1 were evicted

            long third = all.get(2).offset();
            List<Spool.Record> tail = spool.read(third, 1 << 20);
            assertThat(tail)
                    .extracting(Spool.Record::attachment)
                    .containsExactly("made from 2", "made from 3", "made from 4");
            assertThat(tail)
                    .extracting(Spool.Record::offset)
                    .isEqualTo(
                            all.subList(2, 5).stream().map(Spool.Record::offset).toList());
            assertThat(tail).extracting(r -> text(r.payload())).containsExactly("record 2", "record 3", "record 4");
            assertThat(spool.read(third, 1)).hasSize(1); // about maxBytes, at least one

            spool.shippedUpTo(all.get(3).offset());
            assertThat(spool.read(all.get(3).offset(), 1 << 20))
                    .extracting(Spool.Record::attachment)
                    .containsExactly("made from 3", "made from 4");
            assertThat(spool.read(spool.written(), 1 << 20)).isEmpty();
        }
        try (Spool reopened = open(1 << 20, 1 << 20)) {
            assertThat(reopened.read(0, 1 << 20))
                    .extracting(r -> text(r.payload()) + " " + r.attachment())
                    .containsExactly(
                            "record 0 null", "record 1 null", "record 2 null", "record 3 null", "record 4 null");
        }
    }

    @Test
    void aFullSpoolRefusesAndShippedSegmentsAreDeleted() {
        try (Spool spool = open(64, 200)) {
            int accepted = 0;
            while (spool.append(bytes("0123456789012345678901234567890123456789"))) {
                accepted++;
            }
            assertThat(accepted).isEqualTo(4);
            int before = segments().size();
            spool.shippedUpTo(spool.written());
            assertThat(segments().size()).isLessThan(before);
            assertThat(spool.append(bytes("room again"))).isTrue();
        }
    }

    /**
     * Writes through a mapping into blocks the disk cannot give would kill the gateway: without a
     * reserved segment the spool still opens (so its backlog can ship and free the disk) but
     * refuses every record.
     */
    @Test
    void withoutAReservedSegmentEveryRecordIsRefused() {
        try (Spool spool = open(1L << 50, 1L << 60)) {
            assertThat(spool.append(bytes("anything"))).isFalse();
            assertThat(segments()).isEmpty();
        }
    }

    /** A restart goes on in the last segment: restarting does not reserve a segment each time. */
    @Test
    void restartsGoOnInTheLastSegment() {
        for (int i = 0; i < 5; i++) {
            try (Spool spool = open(1 << 20, 1 << 30)) {
                assertThat(spool.append(bytes("run " + i))).isTrue();
            }
        }
        assertThat(segments()).hasSize(1);
        try (Spool spool = open(1 << 20, 1 << 30)) {
            assertThat(spool.read(0, 1 << 20))
                    .extracting(r -> text(r.payload()))
                    .containsExactly("run 0", "run 1", "run 2", "run 3", "run 4");
        }
    }

    @Test
    void aClosedSpoolTakesNothing() {
        Spool spool = open(1 << 20, 1 << 20);
        spool.close();
        assertThat(spool.append(bytes("late"))).isFalse();
    }

    @Test
    void aRecordThatFindsNoRoomForANewSegmentIsRefused() throws IOException {
        try (Spool spool = open(64, 10_000)) {
            assertThat(spool.append(bytes("0123456789012345678901234567890123456789")))
                    .isTrue();
            // Something in the way of the next segment's file: it cannot be created.
            Path blocker = dir.resolve(String.format("segment-%016x.spool", spool.written()));
            Files.createDirectories(blocker.resolve("in-the-way"));
            assertThat(spool.append(bytes("0123456789012345678901234567890123456789")))
                    .isFalse();
            Files.delete(blocker.resolve("in-the-way"));
            Files.delete(blocker);
            assertThat(spool.append(bytes("room again"))).isTrue();
            assertThat(spool.read(0, 1 << 20))
                    .extracting(r -> text(r.payload()))
                    .containsExactly("0123456789012345678901234567890123456789", "room again");
        }
    }

    @Test
    void eventsSurviveTheCanonicalEncodingUnchanged() {
        var opened = new AuditEvent.SessionOpened(
                java.util.UUID.randomUUID(),
                java.util.UUID.randomUUID(),
                java.util.UUID.randomUUID(),
                "10.0.0.1",
                null,
                "maria.chen",
                "JIRA-7",
                "shop_gateway",
                true,
                AuditEvent.canonical(java.time.Instant.now()));
        assertThat(TrailCodec.decode(TrailCodec.encode(opened))).isEqualTo(opened);
        var completed = new AuditEvent.StatementCompleted(
                opened.sessionId(), 3, opened.startedAt(), 12, Outcome.completed("SELECT 1", 1L));
        assertThat(TrailCodec.decode(TrailCodec.encode(completed))).isEqualTo(completed);
    }

    private Spool open(long segmentBytes, long capacity) {
        Spool spool = new Spool(dir, segmentBytes, capacity);
        spool.recover(0);
        return spool;
    }

    private List<Path> segments() {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().startsWith("segment-"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
