package io.vigil.reporting;

import org.openpdf.text.Document;
import org.openpdf.text.Element;
import org.openpdf.text.Phrase;
import org.openpdf.text.Rectangle;
import org.openpdf.text.pdf.ColumnText;
import org.openpdf.text.pdf.PdfContentByte;
import org.openpdf.text.pdf.PdfPageEventHelper;
import org.openpdf.text.pdf.PdfTemplate;
import org.openpdf.text.pdf.PdfWriter;

/**
 * Every page's running header and "page N of M" footer. M is known only at the end, so each footer
 * points at one shared template that is filled in when the document closes.
 */
final class PdfPages extends PdfPageEventHelper {

    private final PdfStyle style;
    private final String running;
    private PdfTemplate total;

    PdfPages(PdfStyle style, String running) {
        this.style = style;
        this.running = running;
    }

    @Override
    public void onOpenDocument(PdfWriter writer, Document document) {
        total = writer.getDirectContent().createTemplate(40, 12);
    }

    @Override
    public void onEndPage(PdfWriter writer, Document document) {
        PdfContentByte canvas = writer.getDirectContent();
        Rectangle page = document.getPageSize();
        float left = document.leftMargin();
        float right = page.getWidth() - document.rightMargin();
        if (writer.getPageNumber() > 1) {
            ColumnText.showTextAligned(
                    canvas,
                    Element.ALIGN_LEFT,
                    new Phrase(running, style.fitting(style.footer, running)),
                    left,
                    page.getHeight() - 22,
                    0);
        }
        canvas.saveState();
        canvas.setColorStroke(PdfStyle.RULE);
        canvas.setLineWidth(0.5f);
        canvas.moveTo(left, 30);
        canvas.lineTo(right, 30);
        canvas.stroke();
        canvas.restoreState();
        ColumnText.showTextAligned(
                canvas,
                Element.ALIGN_LEFT,
                new Phrase("Vigil evidence pack · " + running, style.fitting(style.footer, running)),
                left,
                18,
                0);
        String pageOf = "Page " + writer.getPageNumber() + " of ";
        float width = style.footer.getCalculatedBaseFont(false).getWidthPoint(pageOf, style.footer.getSize());
        ColumnText.showTextAligned(
                canvas, Element.ALIGN_LEFT, new Phrase(pageOf, style.footer), right - 40 - width, 18, 0);
        canvas.addTemplate(total, right - 40, 18);
    }

    @Override
    public void onCloseDocument(PdfWriter writer, Document document) {
        ColumnText.showTextAligned(
                total,
                Element.ALIGN_LEFT,
                new Phrase(String.valueOf(writer.getPageNumber() - 1), style.footer),
                0,
                0,
                0);
    }
}
