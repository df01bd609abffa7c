package io.vigil.reporting;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.rendering.PDFRenderer;
import org.apache.pdfbox.text.PDFTextStripper;
import org.apache.poi.ss.usermodel.CellType;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.ss.usermodel.Sheet;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Writes a pack of 60 items and reads both files back, as an auditor's tools would. */
class EvidenceReportTest {

    private static final int N = 60;
    private static final List<ReviewedItem> ITEMS = SamplePack.items(N);
    private static byte[] xlsx;
    private static byte[] pdf;
    private static Metrics metrics;

    @BeforeAll
    static void write() throws IOException {
        EvidencePack pack = SamplePack.of(N);
        ByteArrayOutputStream excel = new ByteArrayOutputStream();
        metrics = ExcelReport.write(pack, excel);
        xlsx = excel.toByteArray();
        ByteArrayOutputStream doc = new ByteArrayOutputStream();
        PdfReport.write(pack, metrics, Map.of("evidence.xlsx", sha256(xlsx)), doc);
        pdf = doc.toByteArray();
        // Kept for a look (pdftoppm target/evidence-sample/evidence.pdf ...).
        Path sample = Files.createDirectories(Path.of("target", "evidence-sample"));
        Files.write(sample.resolve("evidence.xlsx"), xlsx);
        Files.write(sample.resolve("evidence.pdf"), pdf);
    }

    @Test
    void metricsCountTheItems() {
        assertThat(metrics.items()).isEqualTo(N);
        for (String d : List.of("attest", "revoke", "reduce", "flag")) {
            assertThat(metrics.decisions(d)).isEqualTo(count(i -> d.equals(i.decision())));
        }
        assertThat(metrics.decisions("undecided")).isEqualTo(count(i -> i.decision() == null));
        assertThat(metrics.decided()).isEqualTo(count(i -> i.decision() != null && !i.defaulted()));
        assertThat(metrics.defaulted())
                .isEqualTo(count(ReviewedItem::defaulted))
                .isPositive();
        assertThat(metrics.remediationVerified())
                .isEqualTo(count(i -> i.remediation().status().equals("verified")));
        assertThat(metrics.remediationFailed())
                .isEqualTo(count(i -> i.remediation().status().equals("failed")));
        assertThat(metrics.recomputedPopulationHash())
                .isEqualTo(SamplePack.of(N).population().hash());
        assertThat(metrics.evidenceMismatches()).isEqualTo(1);
    }

    @Test
    void workbookHasEverySheetAndItsRows() throws IOException {
        try (XSSFWorkbook book = new XSSFWorkbook(new ByteArrayInputStream(xlsx))) {
            assertThat(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8).stream().map(book::getSheetName))
                    .containsExactly(
                            "Summary",
                            "Population",
                            "Items",
                            "Remediation",
                            "Decisions",
                            "Approvals",
                            "Standing approvals",
                            "Sign-off",
                            "Integrity");
            Sheet summary = book.getSheet("Summary");
            assertThat(fact(summary, "Items")).isEqualTo(String.valueOf(N));
            assertThat(fact(summary, "Final decision: revoke")).isEqualTo(String.valueOf(metrics.decisions("revoke")));
            assertThat(fact(summary, "Default-decided")).isEqualTo(String.valueOf(metrics.defaulted()));
            assertThat(fact(summary, "Remediated and verified"))
                    .isEqualTo(String.valueOf(metrics.remediationVerified()));
            assertThat(fact(summary, "Population hash")).startsWith("matches the items");
            assertThat(fact(summary, "Audit trail")).isEqualTo("intact");
            assertThat(fact(summary, "Evidence hashes")).startsWith("1 item(s)' evidence DOES NOT MATCH");
            assertThat(text(summary)).contains("CC6.2", "CC6.3", "7.2.4", "7.2.5.1", "A.5.18");

            Sheet items = book.getSheet("Items");
            assertThat(items.getLastRowNum()).isEqualTo(N); // header + N rows
            Row hostile = items.getRow(1);
            assertThat(hostile.getCell(0).getCellType()).isEqualTo(CellType.STRING);
            assertThat(hostile.getCell(0).getStringCellValue())
                    .isEqualTo(SamplePack.HOSTILE_AGENT.replace('\u0007', '\uFFFD'));
            Row third = items.getRow(3); // item 2: reduce, decided by alice.owner
            assertThat(third.getCell(0).getStringCellValue()).isEqualTo("agent-00002");
            assertThat(third.getCell(8).getStringCellValue()).isEqualTo("reduce");
            assertThat(third.getCell(11).getStringCellValue()).isEqualTo("alice.owner");
            assertThat(third.getCell(13).getStringCellValue()).isEqualTo("checked against the runbook, item 2");

            Sheet remediation = book.getSheet("Remediation");
            assertThat(remediation.getLastRowNum()).isEqualTo((int) metrics.remediationNeeded());
            assertThat(remediation.getRow(1).getCell(4).getStringCellValue())
                    .contains("ALTER ROLE \"agent-00001_role\" NOLOGIN");

            Sheet population = book.getSheet("Population");
            assertThat(text(population))
                    .contains(SamplePack.evidenceHash(N - 1), metrics.recomputedPopulationHash(), "retired-bot");
            assertThat(book.getSheet("Decisions").getLastRowNum()).isEqualTo((int) metrics.decided());
            Sheet approvals = book.getSheet("Approvals");
            assertThat(approvals.getLastRowNum()).isEqualTo(2);
            assertThat(text(approvals))
                    .contains(
                            "update orders set status = status", "released", "dana.approver", "not during the freeze");
            assertThat(approvals.getRow(1).getCell(8).getNumericCellValue()).isEqualTo(5000);
            assertThat(text(book.getSheet("Standing approvals")))
                    .contains("nightly unstick, ticket OPS-42", "sam.security");
            assertThat(text(book.getSheet("Sign-off"))).contains("carol.ciso", "mail server down");
            assertThat(text(book.getSheet("Integrity"))).contains("intact", "0123456789abcdef", "cd".repeat(32));
        }
    }

    @Test
    void pdfReadsBackWithPageNumbersAndRepeatingHeaders() throws IOException {
        try (PDDocument doc = Loader.loadPDF(pdf)) {
            String text = new PDFTextStripper().getText(doc);
            int pages = doc.getNumberOfPages();
            assertThat(pages).isGreaterThan(5);
            assertThat(text).contains("Page 1 of " + pages, "Page " + pages + " of " + pages);
            assertThat(text)
                    .contains(
                            "Q4 2026 agent access review, Łódź",
                            "Items under review 60",
                            "CC6.2",
                            "A.5.18",
                            "agent-00059",
                            "ağent-",
                            "«ünïcode»",
                            "checked against the runbook, item 58",
                            "REVOKE INSERT, DELETE ON public.payments",
                            "carol.ciso",
                            sha256(xlsx),
                            "Name",
                            "Signature",
                            "Evidence hashes 1 MISMATCH",
                            "EVIDENCE ALTERED",
                            "5. Approvals: risky statements a person was asked to sign off",
                            "update orders set status = status",
                            "not during the freeze",
                            "Standing approvals in force in the period",
                            "nightly unstick, ticket OPS-42");
            // Every page renders (fonts embedded, nothing malformed), and none is blank.
            PDFRenderer renderer = new PDFRenderer(doc);
            for (int p = 0; p < pages; p++) {
                BufferedImage image = renderer.renderImage(p, 0.5f);
                assertThat(inkedPixels(image)).as("page %d has content", p + 1).isGreaterThan(500);
            }
            int headers = occurrences(text, "Grants and usage at launch");
            int itemPages = pagesWith(doc, "Grants and usage at launch");
            assertThat(itemPages).isGreaterThan(1);
            assertThat(headers).isEqualTo(itemPages);
        }
    }

    private static int inkedPixels(BufferedImage image) {
        int inked = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                inked += (image.getRGB(x, y) & 0xFFFFFF) != 0xFFFFFF ? 1 : 0;
            }
        }
        return inked;
    }

    private static long count(java.util.function.Predicate<ReviewedItem> p) {
        return ITEMS.stream().filter(p).count();
    }

    private static String fact(Sheet sheet, String label) {
        for (Row row : sheet) {
            if (row.getCell(0) != null && label.equals(row.getCell(0).toString())) {
                var value = row.getCell(1);
                return value.getCellType() == CellType.NUMERIC
                        ? String.valueOf((long) value.getNumericCellValue())
                        : value.getStringCellValue();
            }
        }
        throw new AssertionError("no " + label + " in " + sheet.getSheetName());
    }

    private static String text(Sheet sheet) {
        StringBuilder s = new StringBuilder();
        for (Row row : sheet) {
            row.forEach(c -> s.append(c).append('\t'));
            s.append('\n');
        }
        return s.toString();
    }

    private static int occurrences(String text, String needle) {
        Matcher m = Pattern.compile(Pattern.quote(needle)).matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    private static int pagesWith(PDDocument doc, String needle) throws IOException {
        int pages = 0;
        PDFTextStripper stripper = new PDFTextStripper();
        for (int p = 1; p <= doc.getNumberOfPages(); p++) {
            stripper.setStartPage(p);
            stripper.setEndPage(p);
            pages += Objects.requireNonNull(stripper.getText(doc)).contains(needle) ? 1 : 0;
        }
        return pages;
    }

    static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(Hashes.sha256().digest(bytes));
    }
}
