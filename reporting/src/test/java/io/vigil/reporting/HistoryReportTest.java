package io.vigil.reporting;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import org.apache.poi.ss.usermodel.Sheet;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.junit.jupiter.api.Test;

/** An agent's history reads back with a row per campaign and one per decision, refused ones too. */
class HistoryReportTest {

    @Test
    void everyReviewAndDecisionIsARow() throws IOException {
        Instant q3 = Instant.parse("2026-07-01T06:00:00Z");
        Instant q4 = Instant.parse("2026-10-01T06:00:00Z");
        AgentHistory history = new AgentHistory(
                "00000000-0000-4000-8000-000000000009",
                "billing-reconciler",
                List.of(
                        new AgentHistory.Review(
                                "Q3",
                                q3,
                                "billing-reconciler",
                                "alice",
                                "attest",
                                "used",
                                "attest",
                                "alice",
                                q3.plusSeconds(60),
                                false,
                                "none"),
                        new AgentHistory.Review(
                                "Q4",
                                q4,
                                "billing-reconciler",
                                "alice",
                                "reduce",
                                "INSERT never used",
                                "reduce",
                                "alice",
                                q4.plusSeconds(60),
                                false,
                                "verified")),
                List.of(
                        new DecisionEvent(
                                "Q3",
                                "billing-reconciler",
                                1,
                                "attest",
                                "used daily",
                                "alice",
                                q3.plusSeconds(60),
                                true,
                                null),
                        new DecisionEvent(
                                "Q4",
                                "billing-reconciler",
                                1,
                                "attest",
                                "fine",
                                "sam",
                                q4.plusSeconds(30),
                                false,
                                "sam made the last change to its access"),
                        new DecisionEvent(
                                "Q4",
                                "billing-reconciler",
                                1,
                                "reduce",
                                "INSERT unused",
                                "alice",
                                q4.plusSeconds(60),
                                false,
                                null)),
                q4.plusSeconds(86_400));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        HistoryReport.write(history, out);
        try (XSSFWorkbook book = new XSSFWorkbook(new ByteArrayInputStream(out.toByteArray()))) {
            Sheet reviews = book.getSheet("Reviews");
            assertThat(reviews.getRow(0).getCell(0).getStringCellValue()).contains("billing-reconciler");
            int header = 4;
            assertThat(reviews.getRow(header).getCell(0).getStringCellValue()).isEqualTo("Campaign");
            assertThat(reviews.getRow(header + 2).getCell(6).getStringCellValue())
                    .isEqualTo("reduce");
            assertThat(reviews.getRow(header + 2).getCell(10).getStringCellValue())
                    .isEqualTo("verified");
            Sheet decisions = book.getSheet("Decisions");
            assertThat(decisions.getLastRowNum()).isEqualTo(3);
            assertThat(decisions.getRow(2).getCell(7).getStringCellValue())
                    .isEqualTo("sam made the last change to its access");
            assertThat(decisions.getRow(1).getCell(6).getStringCellValue()).isEqualTo("yes");
        }
    }
}
