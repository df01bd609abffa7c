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
}
