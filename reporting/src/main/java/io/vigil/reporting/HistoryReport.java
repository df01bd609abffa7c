package io.vigil.reporting;

import java.io.IOException;
import java.io.OutputStream;
import org.apache.poi.xssf.streaming.SXSSFWorkbook;

/** An agent's history across campaigns as a workbook: one sheet of reviews, one of decisions. */
public final class HistoryReport {

    private HistoryReport() {}

    public static void write(AgentHistory history, OutputStream out) throws IOException {
        SXSSFWorkbook book = new SXSSFWorkbook(200);
        try {
            ExcelStyles styles = new ExcelStyles(book);
            SheetWriter reviews = new SheetWriter(book.createSheet("Reviews"), styles)
                    .widths(34, 22, 28, 24, 12, 50, 12, 24, 22, 10, 12);
            reviews.title("Review history of " + (history.agent() == null ? history.agentId() : history.agent()));
            reviews.fact("Agent id", history.agentId());
            reviews.fact("Generated", history.generatedAt());
            reviews.blank();
            reviews.header(
                    true,
                    "Campaign",
                    "Launched (UTC)",
                    "Agent (as named then)",
                    "Owner",
                    "Recommendation",
                    "Reason",
                    "Decision",
                    "Decided by",
                    "Decided at (UTC)",
                    "Defaulted",
                    "Remediation");
            for (AgentHistory.Review r : history.reviews()) {
                reviews.row(
                        r.campaign(),
                        r.launchedAt(),
                        r.agent(),
                        r.owner(),
                        r.recommendation(),
                        r.recommendationReason(),
                        r.decision() == null ? "undecided" : r.decision(),
                        r.decidedBy(),
                        r.decidedAt(),
                        r.defaulted(),
                        r.remediation());
            }
            SheetWriter decisions =
                    new SheetWriter(book.createSheet("Decisions"), styles).widths(34, 8, 12, 60, 24, 22, 8, 60);
            DecisionSheet.write(decisions, "Campaign", DecisionEvent::campaign, Rows.of(history.decisions()));
            book.write(out);
        } finally {
            book.close();
        }
    }
}
