package io.vigil.review.approvals;

/**
 * An agent's text as an approver must read it: the text is the agent's, and may be written to
 * mislead. Control characters (but the line break), and the invisible ones that reorder or hide
 * text (bidirectional overrides and isolates, zero-width characters, other format characters) are
 * shown as their code, {@code ⟨U+202E⟩}; everything else is as sent.
 */
final class VisibleText {

    private VisibleText() {}

    static String of(String text) {
        StringBuilder shown = new StringBuilder(text.length());
        text.codePoints().forEach(c -> {
            if (c != '\n' && (Character.isISOControl(c) || Character.getType(c) == Character.FORMAT)) {
                shown.append(String.format("⟨U+%04X⟩", c));
            } else {
                shown.appendCodePoint(c);
            }
        });
        return shown.toString();
    }

    private static final java.util.regex.Pattern HEX = java.util.regex.Pattern.compile("\\\\x(?:[0-9a-f]{2})+");

    /**
     * A bound value for an approver: as {@link #of}, and a value sent in binary ({@code \x7368...})
     * shown as the text it is, when it is text ({@code 'shipped' (sent in binary)}).
     */
    static String value(String value) {
        if (HEX.matcher(value).matches()) {
            byte[] bytes = java.util.HexFormat.of().parseHex(value.substring(2));
            try {
                String text = java.nio.charset.StandardCharsets.UTF_8
                        .newDecoder()
                        .decode(java.nio.ByteBuffer.wrap(bytes))
                        .toString();
                if (text.codePoints().noneMatch(c -> Character.isISOControl(c) || !Character.isDefined(c))) {
                    return "'" + of(text) + "' (sent in binary)";
                }
            } catch (java.nio.charset.CharacterCodingException e) {
                // not text: shown as sent
            }
        }
        return of(value);
    }
}
