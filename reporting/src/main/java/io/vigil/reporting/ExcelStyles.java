package io.vigil.reporting;

import org.apache.poi.ss.usermodel.CellStyle;
import org.apache.poi.ss.usermodel.FillPatternType;
import org.apache.poi.ss.usermodel.Font;
import org.apache.poi.ss.usermodel.IndexedColors;
import org.apache.poi.ss.usermodel.VerticalAlignment;
import org.apache.poi.ss.usermodel.Workbook;

/** The handful of cell styles every sheet shares (a workbook holds at most 64,000). */
final class ExcelStyles {

    /**
     * The workbook's default style, set explicitly on plain cells: a cell without a style makes
     * POI look its column's default up in the sheet's XML beans, which was most of the time spent.
     */
    final CellStyle plain;

    final CellStyle title;
    final CellStyle header;
    final CellStyle label;
    final CellStyle time;
    final CellStyle count;
    final CellStyle wrap;

    ExcelStyles(Workbook book) {
        plain = book.getCellStyleAt(0);
        Font bold = book.createFont();
        bold.setBold(true);
        Font big = book.createFont();
        big.setBold(true);
        big.setFontHeightInPoints((short) 14);

        title = book.createCellStyle();
        title.setFont(big);

        header = book.createCellStyle();
        header.setFont(bold);
        header.setFillForegroundColor(IndexedColors.GREY_25_PERCENT.getIndex());
        header.setFillPattern(FillPatternType.SOLID_FOREGROUND);
        header.setWrapText(true);
        header.setVerticalAlignment(VerticalAlignment.TOP);

        label = book.createCellStyle();
        label.setFont(bold);
        label.setVerticalAlignment(VerticalAlignment.TOP);

        time = book.createCellStyle();
        time.setDataFormat(book.createDataFormat().getFormat("yyyy-mm-dd hh:mm:ss"));
        time.setVerticalAlignment(VerticalAlignment.TOP);

        count = book.createCellStyle();
        count.setDataFormat(book.createDataFormat().getFormat("#,##0"));
        count.setVerticalAlignment(VerticalAlignment.TOP);

        wrap = book.createCellStyle();
        wrap.setWrapText(true);
        wrap.setVerticalAlignment(VerticalAlignment.TOP);
    }
}
