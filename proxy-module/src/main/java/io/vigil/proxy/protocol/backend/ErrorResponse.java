package io.vigil.proxy.protocol.backend;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.SequencedMap;

/**
 * ErrorResponse (B): {@code Byte1('E') Int32 length, (Byte1 field, String value)*, Byte1(0)}. The
 * fields are keyed by their one-byte codes: 'S' severity, 'V' severity (not localized), 'C' SQLSTATE,
 * 'M' message, 'D' detail, 'H' hint.
 */
public record ErrorResponse(SequencedMap<Character, String> fields) implements BackendMessage {

    public ErrorResponse {
        fields = Collections.unmodifiableSequencedMap(new LinkedHashMap<>(fields));
    }

    /** An ERROR: the statement failed, the session goes on. */
    public static ErrorResponse error(String sqlState, String message) {
        return of("ERROR", sqlState, message);
    }

    /** An ERROR with the 1-based character position in the statement where it was found (0: none). */
    public static ErrorResponse error(String sqlState, String message, int position) {
        ErrorResponse error = error(sqlState, message);
        if (position <= 0) {
            return error;
        }
        SequencedMap<Character, String> fields = new LinkedHashMap<>(error.fields());
        fields.put('P', Integer.toString(position));
        return new ErrorResponse(fields);
    }

    /** A FATAL error: the gateway closes the connection right after sending it. */
    public static ErrorResponse fatal(String sqlState, String message) {
        return of("FATAL", sqlState, message);
    }

    private static ErrorResponse of(String severity, String sqlState, String message) {
        SequencedMap<Character, String> fields = new LinkedHashMap<>();
        fields.put('S', severity);
        fields.put('V', severity);
        fields.put('C', sqlState);
        fields.put('M', message);
        return new ErrorResponse(fields);
    }

    /** FATAL or PANIC: the server closes the connection after this. */
    public boolean fatal() {
        String severity = fields.getOrDefault('V', fields.get('S'));
        return "FATAL".equals(severity) || "PANIC".equals(severity);
    }

    public String sqlState() {
        return fields.get('C');
    }

    public String message() {
        return fields.get('M');
    }
}
