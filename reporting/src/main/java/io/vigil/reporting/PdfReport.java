package io.vigil.reporting;

import java.io.OutputStream;
import java.util.List;
import java.util.Map;
import org.openpdf.text.Document;
import org.openpdf.text.Element;
import org.openpdf.text.Font;
import org.openpdf.text.PageSize;
import org.openpdf.text.Paragraph;
import org.openpdf.text.Phrase;
import org.openpdf.text.pdf.PdfPCell;
import org.openpdf.text.pdf.PdfPTable;
import org.openpdf.text.pdf.PdfWriter;

/**
 * The evidence pack laid out for reading and signing: a cover with the summary, then one section
 * per sheet of the workbook with tables whose headers repeat on every page, page numbers, a
 * signature block, and the pack's manifest as far as it is known when the PDF is written (the
 * workbook's SHA-256; the PDF's own is in the signed manifest next to it).
 *
 * <p>Long tables are added to the document in slices ({@link PdfPTable#setComplete}), so a
 * campaign of any size is laid out in bounded memory.
 */
public final class PdfReport {

    private static final int SLICE = 200;

    private final EvidencePack pack;
    private final Metrics metrics;
    private final Map<String, String> knownFiles;
    private final PdfStyle style = new PdfStyle();
    private final Document document = new Document(PageSize.A4.rotate(), 36, 36, 40, 44);

    private PdfReport(EvidencePack pack, Metrics metrics, Map<String, String> knownFiles) {
        this.pack = pack;
        this.metrics = metrics;
        this.knownFiles = knownFiles;
    }

    /**
     * @param metrics the figures {@link ExcelReport#write} counted
     * @param knownFiles file name to SHA-256 (hex) of the pack's files written before this one
     */
    public static void write(EvidencePack pack, Metrics metrics, Map<String, String> knownFiles, OutputStream out) {
        new PdfReport(pack, metrics, knownFiles).write(out);
    }

    private void write(OutputStream out) {
        CampaignFacts c = pack.campaign();
        PdfWriter writer = PdfWriter.getInstance(document, out);
        writer.setPageEvent(new PdfPages(style, "Access certification evidence · " + Text.clean(c.name())));
        document.addTitle("Access certification evidence: " + c.name());
        document.addSubject("Campaign " + c.id());
        document.addCreator("Vigil");
        document.open();
        try {
            cover();
            population();
            items();
            remediation();
            decisions();
            approvals();
            signOff();
            integrity();
            manifest();
        } finally {
            document.close();
        }
    }

    private void cover() {
        CampaignFacts c = pack.campaign();
        Paragraph kicker = new Paragraph("ACCESS CERTIFICATION EVIDENCE", style.label);
        kicker.setSpacingAfter(6);
        document.add(kicker);
        document.add(new Paragraph(Text.clean(c.name()), style.fitting(style.title, c.name())));
        Paragraph sub = new Paragraph(
                "Periodic review of AI agent and service account access to PostgreSQL, recorded by Vigil", style.small);
        sub.setSpacingAfter(14);
        document.add(sub);

        PdfPTable columns = new PdfPTable(new float[] {1.15f, 1});
        columns.setWidthPercentage(100);
        PdfPCell left = plain();
        left.addElement(facts(List.of(
                fact("Campaign id", c.id().toString()),
                fact("Definition", c.definition()),
                fact("Scope", c.scope()),
                fact("Usage window", Text.time(c.periodStart()) + " to " + Text.time(c.periodEnd())),
                fact("Launched", Text.time(c.launchedAt())),
                fact("Due", Text.time(c.dueAt())),
                fact("Closed", c.closedAt() == null ? "open (" + c.state() + ")" : Text.time(c.closedAt())),
                fact("Stages / default", c.stages() + " / " + c.defaultDecision() + " when undecided"),
                fact("Campaign owner", c.owner()),
                fact("Fallback reviewer", c.fallbackReviewer()),
                fact("Signed off", signedOff()),
                fact("Generated", Text.time(pack.generatedAt()) + " by " + pack.generatedBy()))));
        Paragraph how = new Paragraph(
                "The workbook evidence.xlsx in this pack holds the same content with one row per item; the"
                        + " manifest lists each file's SHA-256 and is signed with Vigil's trail key. Check it with"
                        + " vigil audit verify --public-key <key> --pack <zip>.",
                style.small);
        how.setSpacingBefore(10);
        left.addElement(how);
        columns.addCell(left);
        PdfPCell right = plain();
        right.setPaddingLeft(18);
        right.addElement(metricsTable());
        columns.addCell(right);
        document.add(columns);

        document.add(heading("Controls evidenced", 10));
        PdfPTable controls = table(new float[] {1.3f, 0.7f, 6});
        controls.addCell(style.header("Framework"));
        controls.addCell(style.header("Control"));
        controls.addCell(style.header("What this pack shows"));
        controls.setHeaderRows(1);
        for (Control control : pack.controls()) {
            controls.addCell(style.cell(control.framework()));
            controls.addCell(style.cell(control.id(), style.cellBold));
            controls.addCell(style.cell(control.evidences()));
        }
        document.add(controls);
    }

    private String signedOff() {
        SignOff s = pack.signOff();
        return s.by() == null ? "not yet" : s.by() + " at " + Text.time(s.at());
    }

    private PdfPTable metricsTable() {
        PdfPTable t = new PdfPTable(new float[] {3, 1});
        t.setWidthPercentage(100);
        PdfPCell head = new PdfPCell(new Phrase("Figures", style.heading));
        head.setColspan(2);
        head.setBorder(0);
        head.setPaddingBottom(6);
        t.addCell(head);
        metric(t, "Items under review", metrics.items());
        metric(t, "Decided by a reviewer", metrics.decided());
        for (String d : Metrics.DECISIONS) {
            metric(t, "   final: " + d, metrics.decisions(d));
        }
        metric(t, "Overdue (escalated or defaulted)", metrics.overdue());
        metric(t, "Default-decided", metrics.defaulted());
        metric(t, "Decided in bulk", metrics.bulk());
        metric(t, "Refused by separation of duties", metrics.sodRefusals());
        metric(t, "Remediation needed", metrics.remediationNeeded());
        metric(t, "   remediated and verified", metrics.remediationVerified());
        metric(t, "   failed", metrics.remediationFailed());
        metric(t, "   not finished", metrics.remediationOpen());
        boolean populationOk =
                metrics.recomputedPopulationHash().equals(pack.population().hash());
        verdict(t, "Population hash", populationOk ? "matches" : "MISMATCH", populationOk);
        boolean evidenceOk = metrics.evidenceMismatches() == 0;
        verdict(t, "Evidence hashes", evidenceOk ? "match" : metrics.evidenceMismatches() + " MISMATCH", evidenceOk);
        verdict(t, "Audit trail", pack.trail().verdict(), pack.trail().intact());
        return t;
    }

    private void metric(PdfPTable t, String name, long value) {
        t.addCell(style.valueCell(name, style.body));
        PdfPCell n = style.valueCell(Text.count(value), style.body);
        n.setHorizontalAlignment(Element.ALIGN_RIGHT);
        t.addCell(n);
    }

    private void verdict(PdfPTable t, String name, String value, boolean good) {
        t.addCell(style.valueCell(name, style.body));
        PdfPCell v =
                style.valueCell(value, new Font(Font.HELVETICA, 10, Font.BOLD, good ? PdfStyle.GOOD : PdfStyle.ALERT));
        v.setHorizontalAlignment(Element.ALIGN_RIGHT);
        t.addCell(v);
    }

    private void population() {
        section("1. Population");
        Population p = pack.population();
        document.add(facts(List.of(
                fact("Agents in the snapshot", Text.count(metrics.items())),
                fact("SHA-256 stored at launch", p.hash()),
                fact("SHA-256 recomputed now", metrics.recomputedPopulationHash()),
                fact(
                        "How to recompute",
                        "SHA-256 over the items' evidence hashes (32 bytes each) in agent-id order; each evidence"
                                + " hash is the SHA-256 of the item's evidence JSON as stored (workbook: Population)"),
                fact(
                        "Previous campaign",
                        p.previousCampaign() == null ? "none: the definition's first" : p.previousCampaign()),
                fact("Added since", p.previousCampaign() == null ? "" : listOrNone(p.added())),
                fact("Removed since", p.previousCampaign() == null ? "" : listOrNone(p.removed())))));
    }

    private static String listOrNone(List<String> names) {
        return names.isEmpty() ? "none" : names.size() + ": " + String.join(", ", names);
    }

    private void items() {
        Paragraph title = new Paragraph("2. Items: evidence, recommendation and decision", style.heading);
        title.setSpacingBefore(18);
        title.setSpacingAfter(8);
        document.add(title);
        PdfPTable t = table(new float[] {2.2f, 3.2f, 2.3f, 2.6f, 2.1f, 1.5f});
        headers(
                t,
                "Agent · owner · target",
                "Grants and usage at launch",
                "Recommendation",
                "Decision and justification",
                "Reviewer: assigned, acted",
                "Separation of duties");
        int[] rows = {0};
        pack.items().forEach(item -> {
            t.addCell(style.cell(item.agent() + "\nowner " + item.owner() + "\n" + item.target() + " as "
                    + item.upstreamRole() + "\nevidence " + item.evidenceHash().substring(0, 16) + "…"
                    + (item.evidenceMatches() ? "" : "\nEVIDENCE ALTERED")));
            t.addCell(style.cell(String.join("\n", item.grants()) + "\n\n" + item.usage()));
            t.addCell(style.cell(item.recommendation().toUpperCase() + ": " + item.recommendationReason()));
            t.addCell(style.cell(decision(item)));
            t.addCell(style.cell(reviewers(item)));
            t.addCell(style.cell(item.sodRefusals().isEmpty() ? "passed" : String.join("\n", item.sodRefusals())));
            slice(t, ++rows[0]);
        });
        finish(t, rows[0], "no items");
    }

    private static String decision(ReviewedItem item) {
        if (item.decision() == null) {
            return "UNDECIDED";
        }
        StringBuilder s = new StringBuilder(item.decision().toUpperCase());
        if (item.defaulted()) {
            s.append(" (default at close)");
        }
        if (item.bulk()) {
            s.append(" (bulk)");
        }
        if (item.justification() != null && !item.justification().isEmpty()) {
            s.append("\n").append(item.justification());
        }
        if (item.firstDecision() != null) {
            s.append("\nfirst stage: ")
                    .append(item.firstDecision())
                    .append(" by ")
                    .append(item.firstDecidedBy());
        }
        return s.toString();
    }

    private static String reviewers(ReviewedItem item) {
        StringBuilder s = new StringBuilder(item.assignedReviewer());
        if (!item.reviewer().equals(item.assignedReviewer())) {
            s.append(" → ").append(item.reviewer());
        }
        s.append("\nacted: ").append(item.decidedBy() == null ? "nobody" : item.decidedBy());
        if (item.decidedAt() != null) {
            s.append("\n").append(Text.time(item.decidedAt()));
        }
        if (item.overdue()) {
            s.append("\noverdue");
        }
        if (item.stage() > 1) {
            s.append("\nstage ").append(item.stage());
        }
        return s.toString();
    }

    private void remediation() {
        section("3. Remediation: what changed on the targets, and its verification");
        PdfPTable t = table(new float[] {1.6f, 0.8f, 0.8f, 3.6f, 1.2f, 3.6f});
        headers(t, "Agent · target", "Decision", "Result", "Statements run", "Finished", "What was done and verified");
        int[] rows = {0};
        pack.items().forEach(item -> {
            ReviewedItem.Remediation r = item.remediation();
            if (!r.needed()) {
                return;
            }
            t.addCell(style.cell(item.agent() + "\n" + item.target()));
            t.addCell(style.cell(item.decision()));
            PdfPCell result = style.cell(
                    r.status().toUpperCase(),
                    new Font(
                            Font.HELVETICA,
                            7.5f,
                            Font.BOLD,
                            r.status().equals("verified") ? PdfStyle.GOOD : PdfStyle.ALERT));
            t.addCell(result);
            t.addCell(style.code(r.statements().isEmpty() ? "none" : String.join(";\n", r.statements()) + ";"));
            t.addCell(style.cell(Text.time(r.at())));
            t.addCell(style.cell(r.detail()));
            slice(t, ++rows[0]);
        });
        finish(t, rows[0], "no final decision needed a change on a target");
    }

    private void decisions() {
        section("4. Every decision as made (changed, defaulted and refused ones too)");
        PdfPTable t = table(new float[] {1.8f, 0.5f, 0.8f, 3.4f, 1.4f, 1.4f, 0.5f, 2.2f});
        headers(t, "Agent", "Stage", "Decision", "Justification", "By", "At", "Bulk", "Refused");
        int[] rows = {0};
        pack.decisions().forEach(d -> {
            t.addCell(style.cell(d.agent()));
            t.addCell(style.number(d.stage()));
            t.addCell(style.cell(d.decision()));
            t.addCell(style.cell(d.justification()));
            t.addCell(style.cell(d.decidedBy()));
            t.addCell(style.cell(Text.time(d.decidedAt())));
            t.addCell(style.cell(d.bulk() ? "yes" : ""));
            t.addCell(style.cell(Text.orEmpty(d.refused())));
            slice(t, ++rows[0]);
        });
        finish(t, rows[0], "no decisions");
    }

    /** Per agent, what policy put to a person in the period and what became of it; then each request. */
    private void approvals() {
        section("5. Approvals: risky statements a person was asked to sign off");
        Map<String, int[]> perAgent = new java.util.TreeMap<>();
        pack.approvals().forEach(a -> {
            int[] n = perAgent.computeIfAbsent(a.agent(), k -> new int[4]);
            n[0]++;
            if (a.granted()) {
                n[1]++;
            } else if (a.outcome().equals("denied")) {
                n[2]++;
            } else if (a.outcome().equals("expired")) {
                n[3]++;
            }
        });
        PdfPTable counts = table(new float[] {3, 1, 1, 1, 1});
        headers(counts, "Agent", "Requested", "Approved", "Denied", "Expired");
        perAgent.forEach((agent, n) -> {
            counts.addCell(style.cell(agent));
            for (int v : n) {
                counts.addCell(style.number(v));
            }
        });
        finish(counts, perAgent.size(), "no statement of the population asked for a person's approval in the period");
        standing();
        if (perAgent.isEmpty()) {
            return;
        }
        document.add(heading("Each request", 12));
        PdfPTable t = table(new float[] {1.6f, 1.3f, 1.8f, 4, 0.9f, 1.5f, 2, 0.7f});
        headers(t, "Agent", "Requested", "Policy, rule", "Statement", "Outcome", "Decided by", "Reason", "Rows");
        int[] rows = {0};
        pack.approvals().forEach(a -> {
            t.addCell(style.cell(a.agent()));
            t.addCell(style.cell(Text.time(a.requestedAt())));
            t.addCell(style.cell(a.policy() + ", " + a.rule()));
            t.addCell(style.cell(a.statement(), style.mono));
            t.addCell(style.cell(a.outcome()));
            t.addCell(style.cell(a.decidedBy()));
            t.addCell(style.cell(a.reason()));
            t.addCell(style.cell(a.exactRows() == null ? "" : String.valueOf(a.exactRows())));
            slice(t, ++rows[0]);
        });
        finish(t, rows[0], "");
    }

    /** Statements approved ahead of time: each ran without a person being asked that time. */
    private void standing() {
        document.add(heading("Standing approvals in force in the period", 12));
        PdfPTable t = table(new float[] {1.6f, 3.6f, 1.8f, 2, 0.6f, 2.2f, 1.6f});
        headers(t, "Agent", "Statement", "Policy, rule", "Terms", "Runs", "Granted", "Withdrawn");
        for (StandingGrant g : pack.standing()) {
            t.addCell(style.cell(g.agent()));
            t.addCell(style.cell(g.statement(), style.mono));
            t.addCell(style.cell(g.policy() + ", " + g.rule()));
            t.addCell(style.cell(g.terms()));
            t.addCell(style.number(g.uses()));
            t.addCell(style.cell(g.grantedBy() + ", " + Text.time(g.grantedAt()) + ": " + g.reason()));
            t.addCell(style.cell(g.withdrawn()));
        }
        finish(t, pack.standing().size(), "no standing approvals");
    }

    private void signOff() {
        section("6. Sign-off: management acknowledgement");
        SignOff s = pack.signOff();
        document.add(facts(List.of(
                fact("Campaign owner", s.owner()),
                fact("Signed off", s.by() == null ? "not yet signed off" : s.by() + " at " + Text.time(s.at())),
                fact("Acknowledgement", Text.orEmpty(s.note())))));
        document.add(heading("Notices sent while the campaign ran", 10));
        PdfPTable t = table(new float[] {1, 2, 0.6f, 1.4f, 3});
        headers(t, "Notice", "Recipient", "Items", "Sent (UTC)", "Mail");
        for (SignOff.Notice n : s.notices()) {
            t.addCell(style.cell(n.kind()));
            t.addCell(style.cell(n.recipient()));
            t.addCell(style.number(n.items()));
            t.addCell(style.cell(Text.time(n.sentAt())));
            t.addCell(style.cell(n.mailError() == null ? "sent" : n.mailError()));
        }
        finish(t, s.notices().size(), "no notices");
        document.add(heading("Auditor's review of this pack", 18));
        PdfPTable sign = new PdfPTable(new float[] {1, 1, 1});
        sign.setWidthPercentage(100);
        for (String line : List.of("Name", "Signature", "Date")) {
            PdfPCell c = new PdfPCell(new Phrase("\n\n\n" + line, style.small));
            c.setBorder(PdfPCell.BOTTOM);
            c.setBorderColor(PdfStyle.MUTED);
            c.setPaddingRight(24);
            sign.addCell(c);
        }
        document.add(sign);
    }

    private void integrity() {
        section("7. Integrity of the audit trail");
        TrailCheck t = pack.trail();
        document.add(facts(List.of(
                fact(
                        "Verdict",
                        t.intact()
                                ? "intact"
                                : t.verdict() + ": " + t.findings().size() + " finding(s)"),
                fact("Checked", Text.time(t.checkedAt())),
                fact("Against the checkpoints signed with key", t.keyId()),
                fact("Records checked", Text.count(t.records()) + " in " + Text.count(t.sessions()) + " sessions"),
                fact("Records since the period's start", Text.count(t.recordsInPeriod())),
                fact("Re-perform", "vigil audit verify --public-key <trail key> --store <store>"))));
        PdfPTable spools = table(new float[] {2.4f, 0.9f, 0.8f, 0.9f, 4, 1.4f, 0.8f});
        headers(
                spools,
                "Spool",
                "Records",
                "Checkpoints",
                "Newest covers",
                "Newest checkpoint's Merkle root",
                "Signed (UTC)",
                "Unsigned");
        for (TrailCheck.Spool s : t.spools()) {
            spools.addCell(style.cell(s.id(), style.mono));
            spools.addCell(style.number(s.records()));
            spools.addCell(style.number(s.checkpoints()));
            spools.addCell(style.number(s.latestSize()));
            spools.addCell(style.cell(Text.orEmpty(s.latestRoot()), style.mono));
            spools.addCell(style.cell(Text.time(s.latestSignedAt())));
            spools.addCell(style.number(s.unsigned()));
        }
        finish(spools, t.spools().size(), "no spools");
        for (String finding : t.findings()) {
            document.add(new Paragraph(
                    (t.complete() ? "TAMPERED: " : "") + Text.clean(finding),
                    new Font(Font.HELVETICA, 9, Font.BOLD, PdfStyle.ALERT)));
        }
    }

    private void manifest() {
        section("8. Manifest");
        document.add(new Paragraph(
                "SHA-256 of the pack's files written before this document. The pack's manifest.txt lists these and"
                        + " this PDF's own hash, and manifest.sig signs it with Vigil's trail key (Ed25519, key "
                        + pack.trail().keyId() + ").",
                style.body));
        PdfPTable t = table(new float[] {1.2f, 4});
        headers(t, "File", "SHA-256");
        knownFiles.forEach((name, hash) -> {
            t.addCell(style.cell(name));
            t.addCell(style.cell(hash, style.mono));
        });
        t.addCell(style.cell("population (stored at launch)"));
        t.addCell(style.cell(pack.population().hash(), style.mono));
        finish(t, knownFiles.size() + 1, "");
    }

    private void section(String title) {
        document.newPage();
        Paragraph p = new Paragraph(title, style.heading);
        p.setSpacingAfter(8);
        document.add(p);
    }

    private Paragraph heading(String title, float before) {
        Paragraph p = new Paragraph(title, style.label);
        p.setSpacingBefore(before);
        p.setSpacingAfter(4);
        return p;
    }

    private PdfPTable facts(List<String[]> rows) {
        PdfPTable t = new PdfPTable(new float[] {1.1f, 3.4f});
        t.setWidthPercentage(100);
        for (String[] row : rows) {
            t.addCell(style.labelCell(row[0]));
            t.addCell(style.valueCell(row[1], style.body));
        }
        return t;
    }

    private static String[] fact(String name, String value) {
        return new String[] {name, value == null ? "" : value};
    }

    private static PdfPCell plain() {
        PdfPCell c = new PdfPCell();
        c.setBorder(0);
        c.setPadding(0);
        return c;
    }

    private PdfPTable table(float[] widths) {
        PdfPTable t = new PdfPTable(widths);
        t.setWidthPercentage(100);
        t.setSpacingBefore(4);
        t.setSplitLate(false);
        t.setComplete(false);
        return t;
    }

    private void headers(PdfPTable t, String... names) {
        for (String name : names) {
            t.addCell(style.header(name));
        }
        t.setHeaderRows(1);
    }

    /** Lays out what is there so far (the header repeats on every page) and lets it go. */
    private void slice(PdfPTable t, int rows) {
        if (rows % SLICE == 0) {
            document.add(t);
        }
    }

    private void finish(PdfPTable t, int rows, String none) {
        if (rows == 0 && !none.isEmpty()) {
            PdfPCell c = style.cell(none, style.small);
            c.setColspan(t.getNumberOfColumns());
            t.addCell(c);
        }
        t.setComplete(true);
        document.add(t);
    }
}
