package io.vigil.reporting;

import java.io.IOException;
import java.io.OutputStream;
import org.apache.poi.xssf.streaming.SXSSFWorkbook;

/**
 * The evidence pack as a workbook: Summary, Population, Items, Remediation, Decisions, Sign-off
 * and Integrity, one sheet each. Rows stream through POI's SXSSF (a window of rows in memory, the
 * rest in a temporary file), and the items are read once: their sheets fill side by side while the
 * figures are counted, and the summary, written last, stays the first tab.
 */
public final class ExcelReport {

    /** Rows kept in memory per sheet before SXSSF writes them out. */
    private static final int WINDOW = 200;

    private ExcelReport() {}

    /** @return the figures counted from the items, for the PDF and the web app */
    public static Metrics write(EvidencePack pack, OutputStream out) throws IOException {
        SXSSFWorkbook book = new SXSSFWorkbook(WINDOW);
        try {
            ExcelStyles styles = new ExcelStyles(book);
            SheetWriter summary = sheet(book, styles, "Summary").widths(34, 60, 90);
            SheetWriter population = sheet(book, styles, "Population").widths(38, 30, 24, 24, 24, 66);
            SheetWriter items = sheet(book, styles, "Items")
                    .widths(30, 24, 24, 24, 50, 60, 12, 50, 12, 24, 24, 24, 22, 50, 8, 8, 8, 8, 16, 40, 66, 12);
            SheetWriter remediation = sheet(book, styles, "Remediation").widths(30, 24, 12, 12, 80, 22, 80);
            SheetWriter decisions = sheet(book, styles, "Decisions").widths(30, 8, 12, 60, 24, 22, 8, 60);
            SheetWriter approvals = sheet(book, styles, "Approvals").widths(30, 22, 24, 28, 80, 12, 30, 50, 12, 12);
            SheetWriter standing =
                    sheet(book, styles, "Standing approvals").widths(30, 80, 24, 28, 50, 8, 24, 22, 50, 40);
            SheetWriter signOff = sheet(book, styles, "Sign-off").widths(28, 30, 10, 22, 60);
            SheetWriter integrity = sheet(book, styles, "Integrity").widths(38, 16, 14, 16, 66, 22, 16);

            Metrics metrics = writeItems(pack, population, items, remediation);
            DecisionSheet.write(decisions, "Agent", DecisionEvent::agent, pack.decisions());
            writeApprovals(pack.approvals(), approvals);
            writeStanding(pack.standing(), standing);
            writeSummary(pack, metrics, summary);
            writeSignOff(pack.signOff(), signOff);
            writeIntegrity(pack, integrity);
            book.write(out);
            return metrics;
        } finally {
            book.close(); // also deletes SXSSF's temporary files
        }
    }

    private static void writeApprovals(Rows<ApprovalEvent> rows, SheetWriter sheet) {
        sheet.header(
                true,
                "Agent",
                "Requested (UTC)",
                "Policy",
                "Rule",
                "Statement",
                "Outcome",
                "Decided by",
                "Reason",
                "Rows counted",
                "Waited (s)");
        rows.forEach(a -> sheet.row(
                a.agent(),
                a.requestedAt(),
                a.policy(),
                a.rule(),
                a.statement(),
                a.outcome(),
                a.decidedBy(),
                a.reason(),
                a.exactRows() == null ? "" : a.exactRows(),
                a.waited() == null ? "" : a.waited().toSeconds()));
    }

    private static void writeStanding(java.util.List<StandingGrant> grants, SheetWriter sheet) {
        sheet.header(
                true,
                "Agent",
                "Statement",
                "Policy",
                "Rule",
                "Terms",
                "Runs",
                "Granted by",
                "Granted (UTC)",
                "Reason",
                "Withdrawn");
        for (StandingGrant g : grants) {
            sheet.row(
                    g.agent(),
                    g.statement(),
                    g.policy(),
                    g.rule(),
                    g.terms(),
                    g.uses(),
                    g.grantedBy(),
                    g.grantedAt(),
                    g.reason(),
                    g.withdrawn());
        }
    }

    private static SheetWriter sheet(SXSSFWorkbook book, ExcelStyles styles, String name) {
        return new SheetWriter(book.createSheet(name), styles);
    }

    private static Metrics writeItems(
            EvidencePack pack, SheetWriter population, SheetWriter items, SheetWriter remediation) {
        Population p = pack.population();
        population.title(
                "Population as launched (frozen at " + Text.time(pack.campaign().launchedAt()) + ")");
        population.blank();
        population.header(
                true, "Agent id", "Agent", "Owner", "Target", "Upstream role", "Evidence SHA-256 (frozen at launch)");
        items.header(
                true,
                "Agent",
                "Owner",
                "Target",
                "Upstream role",
                "Grants at launch",
                "Usage evidence",
                "Recommendation",
                "Recommendation reason",
                "Decision",
                "Reviewer assigned",
                "Reviewer at close",
                "Decided by",
                "Decided at (UTC)",
                "Justification",
                "Bulk",
                "Defaulted",
                "Overdue",
                "Stage",
                "First-stage decision",
                "Separation of duties",
                "Evidence SHA-256",
                "Evidence matches its hash");
        remediation.header(
                true,
                "Agent",
                "Target",
                "Decision",
                "Result",
                "Statements run on the target",
                "Finished at (UTC)",
                "What was done and verified");
        Metrics.Counter counter = new Metrics.Counter();
        pack.items().forEach(item -> {
            counter.accept(item);
            population.row(
                    item.agentId(),
                    item.agent(),
                    item.owner(),
                    item.target(),
                    item.upstreamRole(),
                    item.evidenceHash());
            items.row(
                    item.agent(),
                    item.owner(),
                    item.target(),
                    item.upstreamRole(),
                    String.join("\n", item.grants()),
                    item.usage(),
                    item.recommendation(),
                    item.recommendationReason(),
                    item.decision() == null ? "undecided" : item.decision(),
                    item.assignedReviewer(),
                    item.reviewer(),
                    item.decidedBy(),
                    item.decidedAt(),
                    item.justification(),
                    item.bulk(),
                    item.defaulted(),
                    item.overdue(),
                    item.stage(),
                    item.firstDecision() == null ? "" : item.firstDecision() + " by " + item.firstDecidedBy(),
                    item.sodRefusals().isEmpty() ? "passed" : String.join("\n", item.sodRefusals()),
                    item.evidenceHash(),
                    item.evidenceMatches());
            ReviewedItem.Remediation r = item.remediation();
            if (r.needed()) {
                remediation.row(
                        item.agent(),
                        item.target(),
                        item.decision(),
                        r.status(),
                        String.join(";\n", r.statements()),
                        r.at(),
                        r.detail());
            }
        });
        Metrics metrics = counter.metrics();
        population.blank();
        population.fact("Agents", metrics.items());
        population.fact("Population SHA-256 (stored at launch)", p.hash());
        population.fact("Population SHA-256 (recomputed from the rows above)", metrics.recomputedPopulationHash());
        population.fact(
                "How to recompute",
                "SHA-256 over the concatenated evidence hashes (32 bytes each) in"
                        + " agent-id order; each evidence hash is SHA-256 of the item's evidence JSON as stored");
        population.blank();
        if (p.previousCampaign() == null) {
            population.fact("Previous campaign", "none: this is the definition's first campaign");
        } else {
            population.fact("Previous campaign", p.previousCampaign());
            population.fact("Its population SHA-256", p.previousHash());
            population.fact("Added since (" + p.added().size() + ")", String.join("\n", p.added()));
            population.fact("Removed since (" + p.removed().size() + ")", String.join("\n", p.removed()));
        }
        return metrics;
    }

    private static void writeSummary(EvidencePack pack, Metrics m, SheetWriter sheet) {
        CampaignFacts c = pack.campaign();
        sheet.title("Access certification evidence: " + c.name());
        sheet.blank();
        sheet.fact("Campaign", c.name());
        sheet.fact("Campaign id", c.id().toString());
        sheet.fact("Definition", c.definition());
        sheet.fact("Description", c.description());
        sheet.fact("Scope", c.scope());
        sheet.fact("Usage window from", c.periodStart());
        sheet.fact("Usage window to", c.periodEnd());
        sheet.fact("Launched", c.launchedAt());
        sheet.fact("Due", c.dueAt());
        sheet.fact("Closed", c.closedAt());
        sheet.fact("State", c.state());
        sheet.fact("Stages", c.stages());
        sheet.fact("Default decision", c.defaultDecision());
        sheet.fact("Campaign owner (signs off)", c.owner());
        sheet.fact("Fallback reviewer", c.fallbackReviewer());
        sheet.fact("Generated", pack.generatedAt());
        sheet.fact("Generated by", pack.generatedBy());
        sheet.blank();
        sheet.header(false, "Framework", "Control", "What this pack evidences");
        for (Control control : pack.controls()) {
            sheet.row(control.framework(), control.id(), control.evidences());
        }
        sheet.blank();
        sheet.header(false, "Metric", "Value");
        sheet.fact("Items", m.items());
        sheet.fact("Decided by a reviewer", m.decided());
        for (String d : Metrics.DECISIONS) {
            sheet.fact("Final decision: " + d, m.decisions(d));
        }
        sheet.fact("Overdue (assigned reviewer missed the due date)", m.overdue());
        sheet.fact("Default-decided", m.defaulted());
        sheet.fact("Decided in bulk", m.bulk());
        sheet.fact("Decisions refused by separation of duties", m.sodRefusals());
        sheet.fact("Remediation needed", m.remediationNeeded());
        sheet.fact("Remediated and verified", m.remediationVerified());
        sheet.fact("Remediation failed", m.remediationFailed());
        sheet.fact("Remediation not finished", m.remediationOpen());
        sheet.fact("Population hash", populationVerdict(pack, m));
        sheet.fact("Evidence hashes", evidenceVerdict(m));
        sheet.fact(
                "Audit trail", pack.trail().intact() ? "intact" : pack.trail().verdict() + ": see Integrity");
        sheet.fact(
                "Signed off",
                pack.signOff().by() == null ? "not yet" : pack.signOff().by());
    }

    static String evidenceVerdict(Metrics m) {
        return m.evidenceMismatches() == 0
                ? "every item's evidence matches its hash"
                : m.evidenceMismatches() + " item(s)' evidence DOES NOT MATCH its hash: altered after launch";
    }

    static String populationVerdict(EvidencePack pack, Metrics m) {
        return m.recomputedPopulationHash().equals(pack.population().hash())
                ? "matches the items (" + pack.population().hash() + ")"
                : "DOES NOT MATCH the items: stored " + pack.population().hash() + ", recomputed "
                        + m.recomputedPopulationHash();
    }

    private static void writeSignOff(SignOff s, SheetWriter sheet) {
        sheet.title("Management acknowledgement");
        sheet.blank();
        sheet.fact("Campaign owner", s.owner());
        sheet.fact("Signed off by", s.by() == null ? "not yet signed off" : s.by());
        sheet.fact("Signed off at", s.at());
        sheet.fact("Acknowledgement", Text.orEmpty(s.note()));
        sheet.blank();
        sheet.header(false, "Notice", "Recipient", "Items", "Sent at (UTC)", "Mail");
        for (SignOff.Notice n : s.notices()) {
            sheet.row(n.kind(), n.recipient(), n.items(), n.sentAt(), n.mailError() == null ? "sent" : n.mailError());
        }
    }

    private static void writeIntegrity(EvidencePack pack, SheetWriter sheet) {
        TrailCheck t = pack.trail();
        sheet.title("Audit trail verification");
        sheet.blank();
        sheet.fact(
                "Verdict",
                t.intact() ? "intact" : t.verdict() + ": " + t.findings().size() + " finding(s)");
        sheet.fact("Checked at", t.checkedAt());
        sheet.fact("Checkpoints checked against key", t.keyId());
        sheet.fact("Records checked", t.records());
        sheet.fact("Sessions", t.sessions());
        sheet.fact("Records from the period's start to the check", t.recordsInPeriod());
        sheet.fact(
                "Re-perform",
                "vigil audit verify --public-key <trail key> --store <store>; the same"
                        + " command checks this pack: --pack <zip>");
        sheet.blank();
        sheet.header(
                false,
                "Spool",
                "Records",
                "Checkpoints",
                "Newest covers",
                "Newest checkpoint's Merkle root",
                "Signed at (UTC)",
                "Not yet signed");
        for (TrailCheck.Spool s : t.spools()) {
            sheet.row(
                    s.id(),
                    s.records(),
                    s.checkpoints(),
                    s.latestSize(),
                    s.latestRoot(),
                    s.latestSignedAt(),
                    s.unsigned());
        }
        if (!t.findings().isEmpty()) {
            sheet.blank();
            sheet.header(false, "Finding");
            t.findings().forEach(sheet::row);
        }
    }
}
