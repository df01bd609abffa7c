package io.vigil.reporting;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** How reports spell values: times in UTC, counts with separators, text safe for XML and fonts. */
final class Text {

    /** Excel refuses longer cell text. */
    static final int CELL_LIMIT = 32_767;

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private Text() {}

    static String time(Instant at) {
        return at == null ? "" : TIME.format(at);
    }

    static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    static String orEmpty(String s) {
        return s == null ? "" : s;
    }

    /**
     * Text as a report may carry it: control characters other than tab and line breaks (which XML
     * 1.0 cannot hold, and which an agent's name could smuggle in) become U+FFFD, and text longer
     * than a cell holds is cut with a note.
     */
    static String clean(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder out = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean bad = (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0xFFFE || c == 0xFFFF;
            if (bad && out == null) {
                out = new StringBuilder(s.length()).append(s, 0, i);
            }
            if (out != null) {
                out.append(bad ? '\uFFFD' : c);
            }
        }
        String clean = out == null ? s : out.toString();
        if (clean.length() > CELL_LIMIT) {
            String note = "... (cut: " + count(clean.length()) + " characters; the store holds the whole text)";
            clean = clean.substring(0, CELL_LIMIT - note.length()) + note;
        }
        return clean;
    }
}
