package io.vigil.proxy.audit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's local, append-only record of everything it is about to forward: the "record"
 * half of record-before-forward. An event is appended (copied into the file's memory mapping, so
 * it is in the kernel's page cache and survives the gateway being killed) before the statement it
 * describes goes to the target; a syncer forces the files to disk every few milliseconds against
 * power loss. A shipper thread copies records to the store and advances the shipped mark.
 *
 * <p>Records are {@code Int32 length, Int32 CRC-32C, byte[length] payload}, in segment files named
 * by the logical offset of their first byte. A segment is created at its full size with its blocks
 * reserved (a write through a mapping that finds the disk full would kill the process) and mapped
 * whole: an append is a copy into memory under one lock, not a {@code write} system call (which,
 * held under the lock, also made the event loops queue for it). Reads never block appends. After a
 * crash the spool is scanned from the shipped mark to the last whole record (the zeros after it
 * read as no record, a torn one fails its CRC) and appending goes on in a new segment from there,
 * so nothing after the last whole record is ever read again. A torn record cannot be a forwarded
 * statement's, since forwarding waits for the append.
 *
 * <pre>
 *   segment-0000000000000000.spool   [len|crc|event][len|crc|event]...[0000...]
 *   segment-0000000004000000.spool   ...                  ^ shipped      ^ written
 * </pre>
 */
public final class Spool implements AutoCloseable {

    private static final Set<PosixFilePermission> OWNER_ONLY_DIR = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> OWNER_ONLY_FILE = PosixFilePermissions.fromString("rw-------");
    private static final int HEADER = 8;
    private static final String ID_FILE = "spool.id";

    private final Path dir;
    private final long segmentBytes;
    private final long capacityBytes;
    private final UUID id;
    /** Segment files by the logical offset of their first byte. */
    private final ConcurrentSkipListMap<Long, Path> segments = new ConcurrentSkipListMap<>();

    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED;
    private static final Logger log = LoggerFactory.getLogger(Spool.class);

    /** The segment appended to: its file (forced by the syncer) and its mapping. */
    private FileChannel current;

    private Arena currentMapping;
    private MemorySegment mapped = MemorySegment.NULL;
    private volatile long currentStart;
    private boolean closed;
    /** End of the last whole record: readers may read up to here. */
    private volatile long written;
    /** Everything before this is in the store. */
    private volatile long shipped;

    /**
     * The newest records this process appended and the shipper has not shipped, oldest first, up to
     * {@link #cacheBytes}: the shipper takes them from here, with what the appender made them from,
     * instead of reading the file back (two reads and a CRC per record) and decoding them again.
     * The file stays the record of truth: what was appended is on disk before {@code append}
     * returns, and anything not here (after a restart, or behind a long backlog) is read from it.
     * Guarded by the lock: the shipper holds it to take a batch, about ten times a second.
     */
    private final ArrayDeque<Record> recent = new ArrayDeque<>();

    private final long cacheBytes;
    private long recentBytes;

    /**
     * Opens (or creates) the spool in {@code dir}, recovering what an earlier process left.
     *
     * @param shippedMark where the store says shipping stopped; records before it are dropped
     */
    public Spool(Path dir, long segmentBytes, long capacityBytes) {
        this(dir, segmentBytes, capacityBytes, Math.min(capacityBytes, 8L << 20));
    }

    /** @param cacheBytes how much of the unshipped tail to keep in memory as well */
    public Spool(Path dir, long segmentBytes, long capacityBytes, long cacheBytes) {
        this.cacheBytes = cacheBytes;
        this.dir = dir;
        this.segmentBytes = segmentBytes;
        this.capacityBytes = capacityBytes;
        try {
            Files.createDirectories(dir);
            // Every statement and its parameters are in here: the owner's alone, like the secrets
            // (a spool made before this rule is tightened too).
            ownerOnly(dir, OWNER_ONLY_DIR);
            this.id = readOrCreateId(dir.resolve(ID_FILE));
            try (Stream<Path> files = Files.list(dir)) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    ownerOnly(f, OWNER_ONLY_FILE);
                    if (f.getFileName().toString().startsWith("segment-")) {
                        segments.put(startOf(f), f);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the spool in " + dir, e);
        }
    }

    /** Identifies this spool's offsets: a new spool directory starts a new offset space. */
    public UUID id() {
        return id;
    }

    /**
     * Positions the spool after recovery: records before {@code shippedMark} are in the store; the
     * rest is scanned for the last whole record, and appends continue after it.
     */
    public synchronized void recover(long shippedMark) {
        shipped = shippedMark;
        long end = shippedMark;
        for (List<Record> batch = read(end, Long.MAX_VALUE, 1 << 24);
                !batch.isEmpty();
                batch = read(end, Long.MAX_VALUE, 1 << 24)) {
            end = batch.getLast().next();
        }
        written = end;
        try {
            if (!reopen(end)) {
                openForAppend(end, 0);
            }
        } catch (IOException e) {
            // No room for a segment now (a full disk): the spool opens anyway, so the shipper can
            // ship what it holds and free space; appends are refused until a segment can be had.
            log.error("the spool cannot take records until it can reserve a segment: {}", e.getMessage());
            currentStart = end;
        }
        deleteShippedSegments();
    }

    /**
     * Appends one record. Returns only once it is in the file's pages.
     *
     * @return false if the spool is full (the store has been away too long, or the disk is full):
     *     the caller must not forward what the record describes
     */
    public boolean append(byte[] payload) {
        return append(payload, null);
    }

    /**
     * Appends one record, and keeps {@code attachment} (what the payload was made from) with its
     * in-memory copy for the reader.
     *
     * @return false if the spool is full: the caller must not forward what the record describes
     */
    public boolean append(byte[] payload, Object attachment) {
        CRC32C crc = new CRC32C();
        crc.update(payload);
        int check = (int) crc.getValue();
        synchronized (this) {
            return append(payload, check, attachment);
        }
    }

    private boolean append(byte[] payload, int crc, Object attachment) {
        long size = HEADER + (long) payload.length;
        if (closed || written - shipped + size > capacityBytes) {
            return false;
        }
        if (written + size > currentStart + mapped.byteSize()) {
            try {
                openForAppend(written, size);
            } catch (IOException e) {
                return false; // no room for a new segment: as full as a spool can be
            }
        }
        long at = written - currentStart;
        MemorySegment.copy(payload, 0, mapped, ValueLayout.JAVA_BYTE, at + HEADER, payload.length);
        mapped.set(INT, at + 4, crc);
        mapped.set(INT, at, payload.length);
        long offset = written;
        written += size;
        remember(new Record(offset, payload, written, attachment));
        return true;
    }

    /** Keeps the newest records; the oldest go first when the cache is full (the file has them). */
    private void remember(Record record) {
        recent.addLast(record);
        recentBytes += record.next() - record.offset();
        while (recentBytes > cacheBytes && !recent.isEmpty()) {
            Record oldest = recent.removeFirst();
            recentBytes -= oldest.next() - oldest.offset();
        }
    }

    /**
     * Forces written records to disk. Called every few milliseconds by the syncer. On Linux the
     * file's {@code fdatasync} writes back the pages dirtied through its mapping too (they are
     * marked dirty in the page cache on their first write).
     */
    public void sync() {
        FileChannel channel;
        synchronized (this) {
            channel = current;
        }
        try {
            if (channel != null) {
                channel.force(false);
            }
        } catch (ClosedChannelException e) {
            // A segment that was retired meanwhile: it was forced then.
        } catch (IOException e) {
            throw new UncheckedIOException("cannot sync the spool", e);
        }
    }

    /** Bytes appended but not yet in the store. */
    public long backlog() {
        return written - shipped;
    }

    public long written() {
        return written;
    }

    public long shipped() {
        return shipped;
    }

    /**
     * One record read back, with the offset just after it.
     *
     * @param attachment what the appender made it from, when it comes from memory; null from the file
     */
    public record Record(long offset, byte[] payload, long next, Object attachment) {}

    /**
     * Whole records from {@code from}, about {@code maxBytes} of them (at least one if there is
     * one), stopping at the end of what is written: from memory when the records from {@code from}
     * on are all there, else from the file.
     */
    public List<Record> read(long from, int maxBytes) {
        synchronized (this) {
            Record oldest = recent.peekFirst();
            if (oldest != null && oldest.offset() <= from && from < written) {
                List<Record> out = new ArrayList<>();
                for (Record r : recent) {
                    if (r.offset() < from) {
                        continue;
                    }
                    if (out.isEmpty() && r.offset() != from) {
                        break; // not a record boundary: let the file say what is there
                    }
                    out.add(r);
                    if (r.next() - from >= maxBytes) {
                        break;
                    }
                }
                if (!out.isEmpty()) {
                    return out;
                }
            }
        }
        return read(from, written, maxBytes);
    }

    /** Reads segment by segment, one file read per segment; stops at a damaged or torn record. */
    private List<Record> read(long from, long limit, int maxBytes) {
        List<Record> records = new ArrayList<>();
        long position = from;
        while (position < limit) {
            var segment = segments.floorEntry(position);
            if (segment == null) {
                break;
            }
            long before = position;
            position = readSegment(segment.getValue(), segment.getKey(), position, limit, maxBytes, records);
            if (position == before) {
                Long next = segments.higherKey(segment.getKey());
                if (next == null || next <= position) {
                    break; // the end, or a torn tail
                }
                position = next;
            }
            if (!records.isEmpty() && records.getLast().next() - from >= maxBytes) {
                break;
            }
        }
        return records;
    }

    private static long readSegment(Path file, long start, long from, long limit, int maxBytes, List<Record> out) {
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            long end = Math.min(in.size(), limit - start);
            long at = from - start;
            while (at + HEADER <= end) {
                ByteBuffer header = ByteBuffer.allocate(HEADER);
                in.read(header, at);
                header.flip();
                int length = header.getInt();
                int crc = header.getInt();
                if (length <= 0 || at + HEADER + length > end) {
                    break;
                }
                ByteBuffer payload = ByteBuffer.allocate(length);
                while (payload.hasRemaining() && in.read(payload, at + HEADER + payload.position()) > 0) {
                    // read fully
                }
                CRC32C check = new CRC32C();
                check.update(payload.array());
                if ((int) check.getValue() != crc) {
                    break;
                }
                out.add(new Record(start + at, payload.array(), start + at + HEADER + length, null));
                at += HEADER + length;
                if (start + at - from >= maxBytes) {
                    break;
                }
            }
            return start + at;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the spool", e);
        }
    }

    /** Everything before {@code mark} is in the store: its records leave memory, its segments may go. */
    public void shippedUpTo(long mark) {
        synchronized (this) {
            shipped = mark;
            while (!recent.isEmpty() && recent.peekFirst().next() <= mark) {
                Record gone = recent.removeFirst();
                recentBytes -= gone.next() - gone.offset();
            }
        }
        deleteShippedSegments(); // files only: no need to hold up the appenders
    }

    private void deleteShippedSegments() {
        while (segments.size() > 1) {
            var first = segments.firstEntry();
            Long next = segments.higherKey(first.getKey());
            if (next > shipped || first.getKey() == currentStart) {
                return;
            }
            try {
                Files.deleteIfExists(first.getValue());
            } catch (IOException e) {
                return; // tried again after the next batch
            }
            segments.remove(first.getKey());
        }
    }

    /**
     * After a restart, goes on in the last segment if {@code end} lies in it with room to spare
     * (a new segment per restart would reserve a whole one each time, on a disk that may be the
     * reason for the restart). What a torn record left after {@code end} is zeroed first, so that
     * a shorter record written over it leaves nothing a later scan could misread.
     *
     * @return false if a new segment is needed
     */
    private boolean reopen(long end) throws IOException {
        var last = segments.lastEntry();
        if (last == null || end < last.getKey()) {
            return false;
        }
        long at = end - last.getKey();
        long size = Files.size(last.getValue());
        if (size - at <= HEADER) {
            return false;
        }
        FileChannel channel = FileChannel.open(last.getValue(), StandardOpenOption.READ, StandardOpenOption.WRITE);
        Arena mapping = Arena.ofShared();
        try {
            MemorySegment segment = channel.map(FileChannel.MapMode.READ_WRITE, 0, size, mapping);
            zeroFrom(segment, at);
            mapped = segment;
        } catch (IOException | RuntimeException e) {
            mapping.close();
            channel.close();
            throw e;
        }
        current = channel;
        currentMapping = mapping;
        currentStart = last.getKey();
        return true;
    }

    /** Zeroes what is not zero from {@code at} on (touching only those pages). */
    private static void zeroFrom(MemorySegment segment, long at) {
        long size = segment.byteSize();
        long i = at;
        for (; i + 8 <= size; i += 8) {
            if (segment.get(LONG, i) != 0) {
                segment.set(LONG, i, 0);
            }
        }
        for (; i < size; i++) {
            segment.set(ValueLayout.JAVA_BYTE, i, (byte) 0);
        }
    }

    /**
     * Starts a new segment at {@code start} with room for at least {@code room} bytes. Whatever
     * followed the last whole record in the one before (zeros, a torn record) stays behind the new
     * segment's start, where no read looks.
     */
    private void openForAppend(long start, long room) throws IOException {
        retireCurrent();
        Path file = dir.resolve(String.format("segment-%016x.spool", start));
        // A file of this name holds nothing readable: the scan that found the end stopped at its start.
        Files.deleteIfExists(file);
        long size = Math.max(segmentBytes, room);
        FileChannel channel = FileChannel.open(
                file,
                Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE),
                PosixFilePermissions.asFileAttribute(OWNER_ONLY_FILE));
        Arena mapping = Arena.ofShared();
        try {
            Preallocation.reserve(file, size);
            mapped = channel.map(FileChannel.MapMode.READ_WRITE, 0, size, mapping);
        } catch (IOException | RuntimeException e) {
            mapping.close();
            channel.close();
            Files.deleteIfExists(file);
            currentStart = start;
            throw e;
        }
        current = channel;
        currentMapping = mapping;
        currentStart = start;
        segments.put(start, file);
    }

    /** Forces the segment appended to so far, and lets go of its mapping. */
    private void retireCurrent() throws IOException {
        if (current == null) {
            return;
        }
        FileChannel channel = current;
        current = null;
        mapped = MemorySegment.NULL;
        try {
            channel.force(false);
        } finally {
            currentMapping.close();
            channel.close();
        }
    }

    private static long startOf(Path segment) {
        String name = segment.getFileName().toString();
        return Long.parseUnsignedLong(name.substring("segment-".length(), name.length() - ".spool".length()), 16);
    }

    private static UUID readOrCreateId(Path file) throws IOException {
        if (Files.exists(file)) {
            return UUID.fromString(Files.readString(file).strip());
        }
        UUID id = UUID.randomUUID();
        Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY_FILE));
        Files.writeString(file, id.toString());
        return id;
    }

    private static void ownerOnly(Path path, Set<PosixFilePermission> permissions) throws IOException {
        if (Files.getFileAttributeView(path, PosixFileAttributeView.class) != null) {
            Files.setPosixFilePermissions(path, permissions);
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        try {
            retireCurrent();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
