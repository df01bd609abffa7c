package io.vigil.reporting;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import org.apache.poi.ss.usermodel.Cell;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.ss.util.CellRangeAddress;
import org.apache.poi.xssf.streaming.SXSSFSheet;

/** Appends rows to one streaming sheet: strings, numbers, booleans as yes/no, times as UTC dates. */
final class SheetWriter {

    private final SXSSFSheet sheet;
    private final ExcelStyles styles;
    private int next;

    SheetWriter(SXSSFSheet sheet, ExcelStyles styles) {
        this.sheet = sheet;
        this.styles = styles;
    }

    SheetWriter widths(int... characters) {
        for (int i = 0; i < characters.length; i++) {
            sheet.setColumnWidth(i, Math.min(255, characters[i]) * 256);
        }
        return this;
    }

    void title(String text) {
        Row row = sheet.createRow(next++);
        Cell cell = row.createCell(0);
        cell.setCellValue(Text.clean(text));
        cell.setCellStyle(styles.title);
    }

    void blank() {
        next++;
    }

    /** A header row; a table's first header also freezes the panes above it and gets a filter. */
    void header(boolean table, String... names) {
        Row row = sheet.createRow(next);
        for (int i = 0; i < names.length; i++) {
            Cell cell = row.createCell(i);
            cell.setCellValue(names[i]);
            cell.setCellStyle(styles.header);
        }
        if (table) {
            sheet.createFreezePane(0, next + 1);
            sheet.setAutoFilter(new CellRangeAddress(next, next, 0, names.length - 1));
        }
        next++;
    }

    void row(Object... values) {
        Row row = sheet.createRow(next++);
        for (int i = 0; i < values.length; i++) {
            set(row.createCell(i), values[i]);
        }
    }

    /** A label and its value, as the summary lists them. */
    void fact(String label, Object value) {
        Row row = sheet.createRow(next++);
        Cell name = row.createCell(0);
        name.setCellValue(label);
        name.setCellStyle(styles.label);
        set(row.createCell(1), value);
    }

    private void set(Cell cell, Object value) {
        switch (value) {
            case null -> cell.setCellStyle(styles.plain);
            case Instant at -> {
                cell.setCellValue(LocalDateTime.ofInstant(at, ZoneOffset.UTC));
                cell.setCellStyle(styles.time);
            }
            case Long n -> {
                cell.setCellValue(n);
                cell.setCellStyle(styles.count);
            }
            case Integer n -> {
                cell.setCellValue(n);
                cell.setCellStyle(styles.count);
            }
            case Boolean b -> {
                cell.setCellValue(b ? "yes" : "no");
                cell.setCellStyle(styles.plain);
            }
            default -> {
                String text = Text.clean(value.toString());
                cell.setCellValue(text);
                cell.setCellStyle(text.indexOf('\n') >= 0 ? styles.wrap : styles.plain);
            }
        }
    }
}
