package io.vigil.reporting;

import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.openpdf.text.Element;
import org.openpdf.text.Font;
import org.openpdf.text.Phrase;
import org.openpdf.text.Rectangle;
import org.openpdf.text.pdf.BaseFont;
import org.openpdf.text.pdf.PdfPCell;

/**
 * Fonts, colours and cells of the evidence PDF. Text from the store (agent names, justifications)
 * is set in Liberation Sans, embedded as a Unicode subset (it ships inside OpenPDF), so names
 * outside Latin-1 print instead of vanishing; Vigil's own labels use the standard Helvetica.
 */
final class PdfStyle {

    static final Color INK = new Color(0x1f, 0x29, 0x37);
    static final Color MUTED = new Color(0x55, 0x5f, 0x6d);
    static final Color RULE = new Color(0xc8, 0xce, 0xd6);
    static final Color HEADER_FILL = new Color(0xe8, 0xec, 0xf1);
    static final Color ALERT = new Color(0xa1, 0x1d, 0x1d);
    static final Color GOOD = new Color(0x1b, 0x6b, 0x3a);

    final Font title;
    final Font heading;
    final Font label;
    final Font body;
    final Font small;
    final Font cell;
    final Font cellBold;
    final Font mono;
    final Font footer;

    private final BaseFont unicode;

    PdfStyle() {
        unicode = unicode();
        title = new Font(Font.HELVETICA, 22, Font.BOLD, INK);
        heading = new Font(Font.HELVETICA, 14, Font.BOLD, INK);
        label = new Font(Font.HELVETICA, 9, Font.BOLD, INK);
        body = new Font(unicode, 9.5f, Font.NORMAL, INK);
        small = new Font(unicode, 8, Font.NORMAL, MUTED);
        cell = new Font(unicode, 7.5f, Font.NORMAL, INK);
        cellBold = new Font(Font.HELVETICA, 7.5f, Font.BOLD, INK);
        mono = new Font(Font.COURIER, 7.5f, Font.NORMAL, INK);
        footer = new Font(Font.HELVETICA, 7.5f, Font.NORMAL, MUTED);
    }

    private static BaseFont unicode() {
        try {
            return BaseFont.createFont(
                    "font-fallback/LiberationSans-Regular.ttf", BaseFont.IDENTITY_H, BaseFont.EMBEDDED);
        } catch (IOException e) {
            throw new UncheckedIOException("OpenPDF's bundled Liberation Sans is missing", e);
        }
    }

    PdfPCell header(String text) {
        PdfPCell c = new PdfPCell(new Phrase(text, cellBold));
        c.setBackgroundColor(HEADER_FILL);
        c.setBorderColor(RULE);
        c.setPadding(4);
        return c;
    }

    PdfPCell cell(String text) {
        return cell(text, cell);
    }

    PdfPCell cell(String text, Font font) {
        PdfPCell c = new PdfPCell(new Phrase(Text.clean(text), font));
        c.setBorderColor(RULE);
        c.setPadding(3.5f);
        c.setVerticalAlignment(Element.ALIGN_TOP);
        return c;
    }

    /**
     * {@code latin} when it can draw {@code text} (the standard fonts hold Latin-1 only), else the
     * Unicode face at the same size and colour: a campaign named in another script still prints.
     */
    Font fitting(Font latin, String text) {
        return latin1(text) ? latin : new Font(unicode, latin.getSize(), Font.NORMAL, latin.getColor());
    }

    private static boolean latin1(String text) {
        return Text.clean(text).chars().allMatch(c -> c < 0x100);
    }

    /**
     * SQL and hashes in a monospaced face; the standard Courier holds Latin-1 only, so text with
     * anything beyond it (a role named in another script) is set in the Unicode face instead.
     */
    PdfPCell code(String text) {
        return cell(text, latin1(text) ? mono : cell);
    }

    PdfPCell number(long n) {
        PdfPCell c = cell(Text.count(n));
        c.setHorizontalAlignment(Element.ALIGN_RIGHT);
        return c;
    }

    PdfPCell labelCell(String text) {
        return ruled(new PdfPCell(new Phrase(text, label)));
    }

    PdfPCell valueCell(String text, Font font) {
        return ruled(new PdfPCell(new Phrase(Text.clean(text), font)));
    }

    private static PdfPCell ruled(PdfPCell c) {
        c.setBorder(Rectangle.BOTTOM);
        c.setBorderColor(RULE);
        c.setPaddingTop(2);
        c.setPaddingBottom(3.5f);
        c.setPaddingLeft(3);
        c.setPaddingRight(3);
        return c;
    }
}
