package io.vigil.proxy.sql;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * The tokens PostgreSQL's lexer found in a text ({@code pg_query_scan}), as parallel arrays: each
 * token's byte range in the text's UTF-8, its grammar symbol and whether it is a keyword. Comments
 * are tokens too.
 */
record SqlTokens(int[] starts, int[] ends, int[] symbols, boolean[] keywords) {

    /** A string literal: {@code '...'}, {@code E'...'}, {@code $tag$...$tag$} (PostgreSQL's SCONST). */
    static final int STRING = 261;
    /** A Unicode-escaped string literal, {@code U&'...'} (USCONST). */
    static final int UNICODE_STRING = 262;
    /** An identifier (IDENT). */
    static final int IDENTIFIER = 258;
    /** {@code $1} (PARAM). */
    static final int PARAMETER = 267;

    private static final int SQL_COMMENT = 275;
    private static final int C_COMMENT = 276;

    int size() {
        return starts.length;
    }

    boolean isString(int i) {
        return symbols[i] == STRING || symbols[i] == UNICODE_STRING;
    }

    boolean isComment(int i) {
        return symbols[i] == SQL_COMMENT || symbols[i] == C_COMMENT;
    }

    /** An identifier or a keyword: something that can name an option. */
    boolean isWord(int i) {
        return symbols[i] == IDENTIFIER || keywords[i];
    }

    /**
     * Decodes the protobuf {@code ScanResult { int32 version = 1; repeated ScanToken tokens = 2; }}
     * with {@code ScanToken { int32 start = 1; int32 end = 2; Token token = 4; KeywordKind
     * keyword_kind = 5; }}: a few dozen lines instead of a protobuf runtime for one message.
     */
    static SqlTokens decode(MemorySegment data) {
        Reader in = new Reader(data);
        int n = 0;
        int[] starts = new int[16];
        int[] ends = new int[16];
        int[] symbols = new int[16];
        boolean[] keywords = new boolean[16];
        while (in.more()) {
            long key = in.varint();
            if (key == (2 << 3 | 2)) {
                long end = in.length() + in.at;
                if (n == starts.length) {
                    starts = Arrays.copyOf(starts, n * 2);
                    ends = Arrays.copyOf(ends, n * 2);
                    symbols = Arrays.copyOf(symbols, n * 2);
                    keywords = Arrays.copyOf(keywords, n * 2);
                }
                while (in.at < end) {
                    long field = in.varint();
                    switch ((int) field) {
                        case 1 << 3 -> starts[n] = (int) in.varint();
                        case 2 << 3 -> ends[n] = (int) in.varint();
                        case 4 << 3 -> symbols[n] = (int) in.varint();
                        case 5 << 3 -> keywords[n] = in.varint() != 0;
                        default -> in.skip(field);
                    }
                }
                n++;
            } else {
                in.skip(key);
            }
        }
        return new SqlTokens(
                Arrays.copyOf(starts, n),
                Arrays.copyOf(ends, n),
                Arrays.copyOf(symbols, n),
                Arrays.copyOf(keywords, n));
    }

    private static final class Reader {
        private final MemorySegment data;
        private long at;

        Reader(MemorySegment data) {
            this.data = data;
        }

        boolean more() {
            return at < data.byteSize();
        }

        long varint() {
            long value = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                byte b = data.get(ValueLayout.JAVA_BYTE, at++);
                value |= (long) (b & 0x7f) << shift;
                if (b >= 0) {
                    return value;
                }
            }
            throw new IllegalStateException("malformed varint in the scanner's output");
        }

        long length() {
            long length = varint();
            if (length < 0 || at + length > data.byteSize()) {
                throw new IllegalStateException("malformed length in the scanner's output");
            }
            return length;
        }

        void skip(long key) {
            switch ((int) (key & 7)) {
                case 0 -> varint();
                case 1 -> at += 8;
                case 2 -> at += length();
                case 5 -> at += 4;
                default -> throw new IllegalStateException("unexpected wire type in the scanner's output");
            }
        }
    }
}
