package io.vigil.proxy.sql;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.util.HexFormat;

/**
 * PostgreSQL 15's parser, from the Debian package {@code libpg-query1504.0}, called through the FFM
 * API. The library keeps its state per thread, so one instance serves every thread.
 *
 * <p>Never call it with unchecked input: deep nesting overflows the native stack and kills the
 * JVM, and some inputs lex in quadratic time. {@link SqlAnalyzer} is the only caller; it applies
 * {@link SqlGate} first and runs large inputs on threads with large stacks.
 */
@SuppressWarnings("restricted") // native access is the point; the JVM runs with --enable-native-access
final class PgQuery {

    static final String LIBRARY = "libpg_query.so.1504.0";

    // typedef struct { char* message; char* funcname; char* filename; int lineno; int cursorpos; char* context; }
    private static final StructLayout ERROR = MemoryLayout.structLayout(
            ADDRESS.withName("message"),
            ADDRESS.withName("funcname"),
            ADDRESS.withName("filename"),
            JAVA_INT.withName("lineno"),
            JAVA_INT.withName("cursorpos"),
            ADDRESS.withName("context"));
    // typedef struct { char* parse_tree; char* stderr_buffer; PgQueryError* error; }
    private static final StructLayout PARSE_RESULT = MemoryLayout.structLayout(
            ADDRESS.withName("parse_tree"), ADDRESS.withName("stderr_buffer"), ADDRESS.withName("error"));
    // typedef struct { uint64_t fingerprint; char* fingerprint_str; char* stderr_buffer; PgQueryError* error; }
    private static final StructLayout FINGERPRINT_RESULT = MemoryLayout.structLayout(
            JAVA_LONG.withName("fingerprint"),
            ADDRESS.withName("fingerprint_str"),
            ADDRESS.withName("stderr_buffer"),
            ADDRESS.withName("error"));

    // typedef struct { PgQueryProtobuf pbuf {size_t len; char* data}; char* stderr_buffer; PgQueryError* error; }
    private static final StructLayout SCAN_RESULT = MemoryLayout.structLayout(
            JAVA_LONG.withName("len"),
            ADDRESS.withName("data"),
            ADDRESS.withName("stderr_buffer"),
            ADDRESS.withName("error"));

    // typedef struct { char* plpgsql_funcs; PgQueryError* error; }
    private static final StructLayout PLPGSQL_RESULT =
            MemoryLayout.structLayout(ADDRESS.withName("plpgsql_funcs"), ADDRESS.withName("error"));
    private static final long PLPGSQL_FUNCS =
            PLPGSQL_RESULT.byteOffset(MemoryLayout.PathElement.groupElement("plpgsql_funcs"));
    private static final long PLPGSQL_ERROR = PLPGSQL_RESULT.byteOffset(MemoryLayout.PathElement.groupElement("error"));

    private static final long SCAN_LENGTH = SCAN_RESULT.byteOffset(MemoryLayout.PathElement.groupElement("len"));
    private static final long SCAN_DATA = SCAN_RESULT.byteOffset(MemoryLayout.PathElement.groupElement("data"));
    private static final long SCAN_ERROR = SCAN_RESULT.byteOffset(MemoryLayout.PathElement.groupElement("error"));
    private static final long PARSE_TREE = PARSE_RESULT.byteOffset(MemoryLayout.PathElement.groupElement("parse_tree"));
    private static final long PARSE_ERROR = PARSE_RESULT.byteOffset(MemoryLayout.PathElement.groupElement("error"));
    private static final long FINGERPRINT =
            FINGERPRINT_RESULT.byteOffset(MemoryLayout.PathElement.groupElement("fingerprint"));
    private static final long FINGERPRINT_ERROR =
            FINGERPRINT_RESULT.byteOffset(MemoryLayout.PathElement.groupElement("error"));
    private static final long ERROR_MESSAGE = ERROR.byteOffset(MemoryLayout.PathElement.groupElement("message"));
    private static final long ERROR_CURSOR = ERROR.byteOffset(MemoryLayout.PathElement.groupElement("cursorpos"));

    private final MethodHandle parse;
    private final MethodHandle freeParse;
    private final MethodHandle fingerprint;
    private final MethodHandle freeFingerprint;
    private final MethodHandle scan;
    private final MethodHandle freeScan;
    private final MethodHandle parsePlpgsql;
    private final MethodHandle freePlpgsql;

    private PgQuery(SymbolLookup library) {
        Linker linker = Linker.nativeLinker();
        parse = linker.downcallHandle(
                library.findOrThrow("pg_query_parse"), FunctionDescriptor.of(PARSE_RESULT, ADDRESS));
        freeParse = linker.downcallHandle(
                library.findOrThrow("pg_query_free_parse_result"), FunctionDescriptor.ofVoid(PARSE_RESULT));
        fingerprint = linker.downcallHandle(
                library.findOrThrow("pg_query_fingerprint"), FunctionDescriptor.of(FINGERPRINT_RESULT, ADDRESS));
        freeFingerprint = linker.downcallHandle(
                library.findOrThrow("pg_query_free_fingerprint_result"), FunctionDescriptor.ofVoid(FINGERPRINT_RESULT));
        scan = linker.downcallHandle(library.findOrThrow("pg_query_scan"), FunctionDescriptor.of(SCAN_RESULT, ADDRESS));
        freeScan = linker.downcallHandle(
                library.findOrThrow("pg_query_free_scan_result"), FunctionDescriptor.ofVoid(SCAN_RESULT));
        parsePlpgsql = linker.downcallHandle(
                library.findOrThrow("pg_query_parse_plpgsql"), FunctionDescriptor.of(PLPGSQL_RESULT, ADDRESS));
        freePlpgsql = linker.downcallHandle(
                library.findOrThrow("pg_query_free_plpgsql_parse_result"), FunctionDescriptor.ofVoid(PLPGSQL_RESULT));
    }

    /** @throws IllegalStateException if the library is not installed */
    static PgQuery load() {
        try {
            return new PgQuery(SymbolLookup.libraryLookup(LIBRARY, Arena.global()));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(
                    "PostgreSQL's parser library " + LIBRARY + " is missing; install the Debian package"
                            + " libpg-query1504.0 (apt-get install libpg-query1504.0)",
                    e);
        }
    }

    /** The outcome of one native call: the result text, or the parser's error. */
    record Result(String text, String error, int cursor) {
        boolean ok() {
            return error == null;
        }
    }

    /** The parse tree as JSON, or PostgreSQL's syntax error with its 1-based byte position. */
    Result parse(String sql) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment result = (MemorySegment) parse.invokeExact((SegmentAllocator) arena, arena.allocateFrom(sql));
            try {
                Result error = error(result.get(ADDRESS, PARSE_ERROR));
                return error != null ? error : new Result(string(result.get(ADDRESS, PARSE_TREE)), null, 0);
            } finally {
                freeParse.invokeExact(result);
            }
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * PL/pgSQL's own parse of a CREATE FUNCTION statement's body, as JSON (its statements and the
     * SQL text of each), or the error that stopped it.
     */
    Result parsePlpgsql(String createFunction) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment result = (MemorySegment)
                    parsePlpgsql.invokeExact((SegmentAllocator) arena, arena.allocateFrom(createFunction));
            try {
                Result error = error(result.get(ADDRESS, PLPGSQL_ERROR));
                return error != null ? error : new Result(string(result.get(ADDRESS, PLPGSQL_FUNCS)), null, 0);
            } finally {
                freePlpgsql.invokeExact(result);
            }
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * Parses {@code sql} and hands the parse tree's JSON to {@code reader} as a stream over the
     * library's own buffer, freed after: a large statement's tree (about six times its text) is not
     * copied into a Java string first.
     *
     * @return the reader's result, or null if the text does not parse (then {@link #parse} says why)
     */
    <T> T parseTree(String sql, java.util.function.Function<java.io.InputStream, T> reader) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment result = (MemorySegment) parse.invokeExact((SegmentAllocator) arena, arena.allocateFrom(sql));
            try {
                if (!result.get(ADDRESS, PARSE_ERROR).equals(MemorySegment.NULL)) {
                    return null;
                }
                MemorySegment tree = result.get(ADDRESS, PARSE_TREE).reinterpret(Long.MAX_VALUE);
                long length = strlen(tree);
                return reader.apply(new SegmentInput(tree.asSlice(0, length)));
            } finally {
                freeParse.invokeExact(result);
            }
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static long strlen(MemorySegment cString) {
        long n = 0;
        while (cString.get(java.lang.foreign.ValueLayout.JAVA_BYTE, n) != 0) {
            n++;
        }
        return n;
    }

    /** Reads a native segment as a stream, without copying it whole. */
    private static final class SegmentInput extends java.io.InputStream {
        private final MemorySegment data;
        private long at;

        SegmentInput(MemorySegment data) {
            this.data = data;
        }

        @Override
        public int read() {
            return at < data.byteSize() ? data.get(java.lang.foreign.ValueLayout.JAVA_BYTE, at++) & 0xff : -1;
        }

        @Override
        public int read(byte[] into, int offset, int length) {
            long left = data.byteSize() - at;
            if (left <= 0) {
                return -1;
            }
            int n = (int) Math.min(length, left);
            MemorySegment.copy(data, java.lang.foreign.ValueLayout.JAVA_BYTE, at, into, offset, n);
            at += n;
            return n;
        }
    }

    /** The statement's shape as 16 hex digits: the same for the same statement with other constants. */
    Result fingerprint(String sql) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment result =
                    (MemorySegment) fingerprint.invokeExact((SegmentAllocator) arena, arena.allocateFrom(sql));
            try {
                Result error = error(result.get(ADDRESS, FINGERPRINT_ERROR));
                return error != null
                        ? error
                        : new Result(HexFormat.of().toHexDigits(result.get(JAVA_LONG, FINGERPRINT)), null, 0);
            } finally {
                freeFingerprint.invokeExact(result);
            }
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * PostgreSQL's lexer over {@code sql}: every token with its byte range, or null if the text
     * does not lex (an unterminated literal or comment). Same hazards as {@link #parse}: only for
     * text {@link SqlGate} let through.
     */
    SqlTokens scan(String sql) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment result = (MemorySegment) scan.invokeExact((SegmentAllocator) arena, arena.allocateFrom(sql));
            try {
                if (!result.get(ADDRESS, SCAN_ERROR).equals(MemorySegment.NULL)) {
                    return null;
                }
                long length = result.get(JAVA_LONG, SCAN_LENGTH);
                return SqlTokens.decode(result.get(ADDRESS, SCAN_DATA).reinterpret(length));
            } finally {
                freeScan.invokeExact(result);
            }
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static Result error(MemorySegment pointer) {
        if (pointer.equals(MemorySegment.NULL)) {
            return null;
        }
        MemorySegment error = pointer.reinterpret(ERROR.byteSize());
        return new Result(null, string(error.get(ADDRESS, ERROR_MESSAGE)), error.get(JAVA_INT, ERROR_CURSOR));
    }

    private static String string(MemorySegment cString) {
        return cString.reinterpret(Long.MAX_VALUE).getString(0);
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException(t);
    }
}
