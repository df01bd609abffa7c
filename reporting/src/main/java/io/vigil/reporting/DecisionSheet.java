package io.vigil.reporting;

import java.util.function.Function;

/** Decisions as made, one row each: a campaign's (by agent) and an agent's history (by campaign). */
final class DecisionSheet {

    private DecisionSheet() {}

    /**
     * @param firstColumn what the first column names ("Agent" or "Campaign")
     * @param first that column's value for a decision
     */
    static void write(
            SheetWriter sheet, String firstColumn, Function<DecisionEvent, String> first, Rows<DecisionEvent> rows) {
        sheet.header(
                true,
                firstColumn,
                "Stage",
                "Decision",
                "Justification",
                "Decided by",
                "Decided at (UTC)",
                "Bulk",
                "Refused (separation of duties)");
        rows.forEach(d -> sheet.row(
                first.apply(d),
                d.stage(),
                d.decision(),
                d.justification(),
                d.decidedBy(),
                d.decidedAt(),
                d.bulk(),
                Text.orEmpty(d.refused())));
    }
}
