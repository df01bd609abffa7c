package io.vigil.review.evidence;

import static io.vigil.db.jooq.Tables.EVIDENCE_CHUNK;
import static io.vigil.db.jooq.Tables.EVIDENCE_FILE;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.jooq.DSLContext;
import org.jooq.Record2;
import org.springframework.stereotype.Component;

/**
 * A pack's files in the store, in chunks of 1 MiB: a pack of 100,000 items is tens of megabytes,
 * and neither storing nor serving it may hold a whole file in memory (bytea travels hex-encoded, at
 * twice its size). Callers choose the transaction.
 */
@Component
class PackFiles {

    static final int CHUNK = 1 << 20;

    private final DSLContext db;

    PackFiles(DSLContext db) {
        this.db = db;
    }

    /** Stores {@code file} under {@code name}; @return its SHA-256, hex. */
    String store(UUID packId, String name, Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return store(packId, name, in, Files.size(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stores a small file held in memory (the manifest, its signature); @return its SHA-256, hex. */
    String store(UUID packId, String name, byte[] content) {
        try {
            return store(packId, name, new ByteArrayInputStream(content), content.length);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String store(UUID packId, String name, InputStream in, long size) throws IOException {
        MessageDigest digest = sha256();
        db.insertInto(EVIDENCE_FILE)
                .set(EVIDENCE_FILE.PACK_ID, packId)
                .set(EVIDENCE_FILE.NAME, name)
                .set(EVIDENCE_FILE.SHA256, new byte[0])
                .set(EVIDENCE_FILE.SIZE, size)
                .execute();
        int seq = 0;
        for (byte[] chunk = in.readNBytes(CHUNK); chunk.length > 0; chunk = in.readNBytes(CHUNK)) {
            digest.update(chunk);
            db.insertInto(EVIDENCE_CHUNK)
                    .set(EVIDENCE_CHUNK.PACK_ID, packId)
                    .set(EVIDENCE_CHUNK.NAME, name)
                    .set(EVIDENCE_CHUNK.SEQ, seq++)
                    .set(EVIDENCE_CHUNK.DATA, chunk)
                    .execute();
        }
        byte[] hash = digest.digest();
        db.update(EVIDENCE_FILE)
                .set(EVIDENCE_FILE.SHA256, hash)
                .where(EVIDENCE_FILE.PACK_ID.eq(packId))
                .and(EVIDENCE_FILE.NAME.eq(name))
                .execute();
        return HexFormat.of().formatHex(hash);
    }

    /** The names of a pack's files, in name order. */
    List<String> names(UUID packId) {
        return db.select(EVIDENCE_FILE.NAME)
                .from(EVIDENCE_FILE)
                .where(EVIDENCE_FILE.PACK_ID.eq(packId))
                .orderBy(EVIDENCE_FILE.NAME)
                .fetch(EVIDENCE_FILE.NAME);
    }

    /** Writes one file to {@code out}, a chunk at a time (inside a transaction: a cursor). */
    void copy(UUID packId, String name, OutputStream out) throws IOException {
        try (Stream<Record2<Integer, byte[]>> chunks = db.select(EVIDENCE_CHUNK.SEQ, EVIDENCE_CHUNK.DATA)
                .from(EVIDENCE_CHUNK)
                .where(EVIDENCE_CHUNK.PACK_ID.eq(packId))
                .and(EVIDENCE_CHUNK.NAME.eq(name))
                .orderBy(EVIDENCE_CHUNK.SEQ)
                .fetchSize(1)
                .fetchStream()) {
            for (var chunk : (Iterable<Record2<Integer, byte[]>>) chunks::iterator) {
                out.write(chunk.value2());
            }
        }
    }

    /** A file's SHA-256, hex, read as it streams. */
    static String sha256Hex(Path file) throws IOException {
        MessageDigest digest = sha256();
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
