package io.vigil.review;

import static io.vigil.db.jooq.Tables.AGENT;
import static io.vigil.db.jooq.Tables.CAMPAIGN;
import static io.vigil.db.jooq.Tables.CAMPAIGN_DECISION;
import static io.vigil.db.jooq.Tables.CAMPAIGN_ITEM;
import static io.vigil.db.jooq.Tables.EVIDENCE_PACK;
import static io.vigil.db.jooq.Tables.PERSON;
import static io.vigil.db.jooq.Tables.PERSON_ACTION;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.proxy.audit.TrailSigner;
import io.vigil.proxy.audit.verify.AuditCommand;
import io.vigil.proxy.audit.verify.StoreTrail;
import io.vigil.proxy.audit.verify.TrailVerifier;
import io.vigil.review.agents.AgentService;
import io.vigil.review.agents.CreatedAgent;
import io.vigil.review.agents.NewAgent;
import io.vigil.review.campaigns.CampaignDefinition;
import io.vigil.review.campaigns.CampaignService;
import io.vigil.review.campaigns.CampaignSummary;
import io.vigil.review.campaigns.Decided;
import io.vigil.review.campaigns.DefinitionService;
import io.vigil.review.campaigns.Flag;
import io.vigil.review.campaigns.ReviewItem;
import io.vigil.review.campaigns.ReviewService;
import io.vigil.review.evidence.EvidencePacks;
import io.vigil.review.security.Role;
import io.vigil.review.usage.GrantService;
import io.vigil.review.usage.UsageRollup;
import jakarta.mail.internet.MimeMessage;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.apache.poi.ss.usermodel.Cell;
import org.apache.poi.ss.usermodel.CellType;
import org.apache.poi.ss.usermodel.DateUtil;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.ss.usermodel.Sheet;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.security.access.AccessDeniedException;

/**
 * A whole campaign, on real time and real parts: Quartz launches it on its schedule; two owners
 * get a reminder by e-mail and decide (attest, reduce, revoke); an item nobody decides is escalated
 * to the fallback reviewer, who may not decide it (they created the agent) and so it takes the
 * default decision at the close; the final decisions are remediated and verified (the revoked
 * agent's open psql session ends, its next login fails, the target's catalog shows its role
 * without login; the reduced agent loses exactly the privileges it never used); the campaign's owner
 * signs it off, and nothing changes after that. Every step is in the trail.
 *
 * <pre>
 *   t=0 launch (cron) ── t=3 reminder ── owners decide ── t=8 due: escalate ── t=11 close: default,
 *   remediate, verify ── sign-off ── closed
 * </pre>
 */
class CampaignIT extends DemoStack {

    static final String S = Long.toString(System.nanoTime() % 100_000);
    static final String OLIVIA = "olivia-" + S;
    static final String PETER = "peter-" + S;

    @Autowired
    AgentService agentService;

    @Autowired
    DefinitionService definitions;

    @Autowired
    ReviewService reviews;

    @Autowired
    CampaignService campaigns;

    @Autowired
    GrantService grants;

    @Autowired
    UsageRollup rollup;

    @Autowired
    EvidencePacks packs;

    @Test
    void aCampaignRunsFromItsScheduleToItsSignOffAndItsRevocationsReallyHappen() throws Exception {
        Map<String, CreatedAgent> agent = agentsAndTraffic();
        people(Map.of(OLIVIA, "olivia@shop.example", PETER, "peter@shop.example", "admin", "admin@shop.example"));

        // The definition: launched by its schedule a few seconds from now.
        signIn("admin", Role.ADMIN);
        ZonedDateTime at = ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(3);
        CampaignDefinition d = definitions.create(new CampaignDefinition(
                null,
                "Shop agents " + S,
                "the acceptance campaign",
                List.of(),
                List.of(),
                List.of("acceptance-" + S),
                "%d %d %d %d %d ? %d"
                        .formatted(
                                at.getSecond(),
                                at.getMinute(),
                                at.getHour(),
                                at.getDayOfMonth(),
                                at.getMonthValue(),
                                at.getYear()),
                "UTC",
                Duration.ofSeconds(8),
                Duration.ofDays(1),
                Duration.ofDays(1),
                List.of(),
                "admin",
                List.of(Duration.ofSeconds(5)),
                Duration.ofSeconds(3),
                null,
                null,
                List.of(),
                "recommendation",
                "admin",
                true));
        signOut();

        UUID campaignId = await("the launch", Duration.ofSeconds(15), () -> store.select(CAMPAIGN.ID)
                .from(CAMPAIGN)
                .where(CAMPAIGN.DEFINITION_ID.eq(d.id()))
                .fetchOne(CAMPAIGN.ID));
        assertThat(store.fetchValue(
                        "select population_hash = sha256(string_agg(i.evidence_hash, ''::bytea"
                                + " order by i.agent_id)) from vigil.campaign c join vigil.campaign_item i on i.campaign_id"
                                + " = c.id where c.id = ? group by c.population_hash",
                        campaignId))
                .as("the population hash is recomputable from the items")
                .isEqualTo(true);
        assertThat(store.fetchValue(
                        "select bool_and(evidence_hash = sha256(convert_to(evidence::text, 'UTF8')))"
                                + " from vigil.campaign_item where campaign_id = ?",
                        campaignId))
                .as("every item's evidence hash is recomputable from its stored evidence")
                .isEqualTo(true);
        Map<String, String> recommended = store.select(CAMPAIGN_ITEM.AGENT_NAME, CAMPAIGN_ITEM.RECOMMENDATION)
                .from(CAMPAIGN_ITEM)
                .where(CAMPAIGN_ITEM.CAMPAIGN_ID.eq(campaignId))
                .fetchMap(CAMPAIGN_ITEM.AGENT_NAME, CAMPAIGN_ITEM.RECOMMENDATION);
        assertThat(recommended)
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        name("keep"),
                        "attest",
                        name("reduce"),
                        "reduce",
                        name("revoke"),
                        "attest",
                        name("silent"),
                        "revoke",
                        name("probe"),
                        "attest"));

        // A session of the agent about to be revoked stays open through it all.
        Process session = openPsql(agent.get("revoke"));

        // The reminder reaches both owners by e-mail, and shows in the campaign.
        await(
                "the reminders",
                Duration.ofSeconds(10),
                () -> mailTo("olivia@shop.example", "Reminder") && mailTo("peter@shop.example", "Reminder")
                        ? true
                        : null);

        signIn(OLIVIA, Role.OWNER);
        List<ReviewItem> mine = reviews.worklist();
        assertThat(mine)
                .extracting(ReviewItem::agent)
                .containsExactlyInAnyOrder(name("keep"), name("reduce"), name("probe"));
        ReviewItem toReduce = item(mine, "reduce");
        assertThat(toReduce.reduceStatements())
                .containsExactly("REVOKE INSERT, DELETE ON TABLE \"public\".\"orders\" FROM \"camp_reduce_" + S + "\"");
        assertThatThrownBy(() -> reviews.decide(List.of(item(mine, "keep").id()), "attest", " "))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(reviews.decide(List.of(item(mine, "keep").id()), "attest", "looks orders up for support"))
                .isEqualTo(new Decided(1, List.of()));
        assertThat(reviews.decide(List.of(toReduce.id()), "reduce", "it only reads orders"))
                .isEqualTo(new Decided(1, List.of()));
        assertThat(reviews.decide(List.of(item(mine, "probe").id()), "flag", "it reads orders at night; find out why"))
                .isEqualTo(new Decided(1, List.of()));
        signOut();

        signIn(PETER, Role.OWNER);
        List<ReviewItem> peters = reviews.worklist();
        assertThatThrownBy(() -> reviews.decide(List.of(item(mine, "keep").id()), "revoke", "not mine"))
                .isInstanceOf(AccessDeniedException.class);
        assertThat(reviews.decide(List.of(item(peters, "revoke").id()), "revoke", "decommissioned last sprint"))
                .isEqualTo(new Decided(1, List.of()));
        signOut();

        // Due: the undecided item goes to the fallback reviewer, by e-mail too.
        await(
                "the escalation",
                Duration.ofSeconds(15),
                () -> "admin"
                                .equals(store.select(CAMPAIGN_ITEM.REVIEWER)
                                        .from(CAMPAIGN_ITEM)
                                        .where(CAMPAIGN_ITEM.CAMPAIGN_ID.eq(campaignId))
                                        .and(CAMPAIGN_ITEM.AGENT_NAME.eq(name("silent")))
                                        .fetchOne(CAMPAIGN_ITEM.REVIEWER))
                        ? true
                        : null);
        await(
                "the escalation's mail",
                Duration.ofSeconds(5),
                () -> mailTo("admin@shop.example", "Escalated") ? true : null);
        // People read these: times to the minute in UTC, never Java's nanosecond instants.
        assertThat(mailBodies())
                .isNotEmpty()
                .noneMatch(body -> body.matches("(?s).*\\d{2}:\\d{2}:\\d{2}\\.\\d+.*"))
                .anyMatch(body -> body.contains("attest, revoke, reduce or flag"))
                .anyMatch(body -> body.matches("(?s).*\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2} UTC.*"));
        signIn("admin", Role.ADMIN);
        ReviewItem escalated = item(reviews.worklist(), "silent");
        Decided refused = reviews.decide(List.of(escalated.id()), "attest", "fine by me");
        assertThat(refused.decided()).isZero();
        assertThat(refused.refused().getFirst()).contains("separation of duties");
        signOut();
        assertThat(store.fetchCount(
                        CAMPAIGN_DECISION,
                        CAMPAIGN_DECISION.ITEM_ID.eq(escalated.id()).and(CAMPAIGN_DECISION.REFUSED.isNotNull())))
                .isEqualTo(1);

        // The close: the default decision, then remediation, verified.
        await(
                "the close and remediation",
                Duration.ofSeconds(30),
                () -> store.fetchExists(CAMPAIGN, CAMPAIGN.ID.eq(campaignId).and(CAMPAIGN.STATE.eq("sign-off")))
                                && !store.fetchExists(
                                        CAMPAIGN_ITEM,
                                        CAMPAIGN_ITEM
                                                .CAMPAIGN_ID
                                                .eq(campaignId)
                                                .and(CAMPAIGN_ITEM.REMEDIATION.in("pending", "running")))
                        ? true
                        : null);
        Map<String, String> outcome = store.select(
                        CAMPAIGN_ITEM.AGENT_NAME,
                        CAMPAIGN_ITEM
                                .DECISION
                                .concat("/")
                                .concat(CAMPAIGN_ITEM.DEFAULTED.cast(String.class))
                                .concat("/")
                                .concat(CAMPAIGN_ITEM.REMEDIATION))
                .from(CAMPAIGN_ITEM)
                .where(CAMPAIGN_ITEM.CAMPAIGN_ID.eq(campaignId))
                .fetchMap(r -> r.value1(), r -> r.value2());
        assertThat(outcome)
                .as(details(campaignId))
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        name("keep"), "attest/false/none",
                        name("reduce"), "reduce/false/verified",
                        name("revoke"), "revoke/false/verified",
                        name("silent"), "revoke/true/verified",
                        name("probe"), "flag/false/none"));

        // The revoked agent: its open session ended, its next login fails, its role cannot log in.
        assertThat(endOf(session)).contains("terminating connection");
        assertThatThrownBy(() -> connect(agent.get("revoke")).close())
                .isInstanceOf(SQLException.class)
                .extracting(e -> ((SQLException) e).getSQLState())
                .asString()
                .startsWith("28");
        try (Connection target = postgres.superuserDataSource("shop").getConnection();
                Statement s = target.createStatement()) {
            assertThat(value(s, "select rolcanlogin from pg_roles where rolname = 'camp_revoke_" + S + "'"))
                    .isEqualTo("f");
            assertThat(value(s, "select rolcanlogin from pg_roles where rolname = 'camp_silent_" + S + "'"))
                    .isEqualTo("f");
            assertThat(value(s, "select has_table_privilege('camp_revoke_" + S + "', 'public.customers', 'SELECT')"))
                    .isEqualTo("f");
            // reduced: exactly the privileges it never used are gone
            assertThat(value(
                            s,
                            "select string_agg(privilege_type, ',' order by privilege_type) from"
                                    + " information_schema.role_table_grants where grantee = 'camp_reduce_" + S
                                    + "' and table_name = 'orders'"))
                    .isEqualTo("SELECT");
        }
        assertThat(store.select(AGENT.STATUS)
                        .from(AGENT)
                        .where(AGENT.NAME.eq(name("revoke")))
                        .fetchOne(AGENT.STATUS))
                .isEqualTo("revoked");

        // Sign-off by the campaign's owner only; then the campaign is closed and stays as it is.
        signIn(OLIVIA, Role.OWNER);
        assertThatThrownBy(() -> campaigns.signOff(campaignId, "ok")).isInstanceOf(AccessDeniedException.class);
        signOut();
        signIn("admin", Role.ADMIN);
        CampaignSummary before = campaigns.campaign(campaignId);
        assertThat(before.byDecision())
                .containsEntry("revoke", 2)
                .containsEntry("attest", 1)
                .containsEntry("reduce", 1)
                .containsEntry("flag", 1);
        assertThat(before.remediation()).containsEntry("verified", 3);
        campaigns.signOff(campaignId, "Access of the shop agents remains appropriate after these changes.");
        assertThat(campaigns.campaign(campaignId).state()).isEqualTo("closed");
        assertThatThrownBy(() -> campaigns.signOff(campaignId, "again")).isInstanceOf(IllegalArgumentException.class);
        assertThat(campaigns.notices(campaignId))
                .extracting(n -> n.kind() + " " + n.recipient() + " " + (n.mailError() == null))
                .contains("reminder " + OLIVIA + " true", "reminder " + PETER + " true", "escalation admin true");
        // The flagged agent is under investigation until an administrator resolves it.
        Flag flag = campaigns.flags().stream()
                .filter(f -> f.agent().equals(name("probe")))
                .findFirst()
                .orElseThrow();
        assertThat(flag.open()).isTrue();
        assertThat(flag.raisedBy()).isEqualTo(OLIVIA);
        assertThat(flag.reason()).isEqualTo("it reads orders at night; find out why");
        campaigns.resolveFlag(flag.id(), "nightly export job, documented in its purpose");
        assertThat(campaigns.flags().stream()
                        .filter(f -> f.id().equals(flag.id()))
                        .findFirst()
                        .orElseThrow()
                        .open())
                .isFalse();
        signOut();

        theFinalEvidencePackTellsTheCampaign(campaignId);

        // The last records ship a moment after they are written.
        List<String> trail = await("the trail", Duration.ofSeconds(10), () -> {
            List<String> actions = store.select(PERSON_ACTION.ACTION)
                    .from(PERSON_ACTION)
                    .where(PERSON_ACTION
                            .SUBJECT_ID
                            .eq(campaignId)
                            .or(PERSON_ACTION.SUBJECT_ID.in(agent.values().stream()
                                    .map(CreatedAgent::id)
                                    .toList())))
                    .fetch(PERSON_ACTION.ACTION);
            return actions.containsAll(List.of("campaign.sign-off", "flag.resolve")) ? actions : null;
        });
        assertThat(trail)
                .contains(
                        "campaign.launch",
                        "campaign.reminder",
                        "campaign.escalation",
                        "campaign.decide",
                        "campaign.decision-refused",
                        "campaign.default-decision",
                        "campaign.remediate",
                        "agent.revoke",
                        "campaign.sign-off",
                        "flag.resolve");
        assertThat(Collections.frequency(trail, "campaign.decide")).isEqualTo(4);
        assertThat(Collections.frequency(trail, "campaign.remediate")).isEqualTo(3);
    }

    /**
     * The close generated the campaign's pack without anyone asking. Its workbook and PDF, read back,
     * tell the campaign as it happened; the pack verifies with the trail's public key, and one
     * changed byte is caught. Owners may not read evidence.
     */
    private void theFinalEvidencePackTellsTheCampaign(UUID campaignId) throws Exception {
        signIn(OLIVIA, Role.OWNER);
        assertThatThrownBy(() -> packs.writeFile(campaignId, EvidencePacks.XLSX, OutputStream.nullOutputStream()))
                .isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(() -> packs.request(campaignId)).isInstanceOf(AccessDeniedException.class);
        signOut();
        signIn("auditor", Role.AUDITOR);
        EvidencePacks.CampaignPack pack =
                await("the pack generated at the close", Duration.ofSeconds(60), () -> packs.campaigns().stream()
                        .filter(c -> c.campaignId().equals(campaignId) && "ready".equals(c.packState()))
                        .findFirst()
                        .orElse(null));
        assertThat(pack.requestedBy()).startsWith("vigil");
        assertThat(pack.items()).isEqualTo(5);

        byte[] xlsx = download(campaignId, EvidencePacks.XLSX);
        // The whole trail as the command-line verifier sees it now (other tests in this JVM tamper
        // with it on purpose): the pack must say the same.
        String trailVerdict = trailVerdict();
        try (XSSFWorkbook book = new XSSFWorkbook(new ByteArrayInputStream(xlsx))) {
            Map<String, String> summary = facts(book.getSheet("Summary"));
            assertThat(summary)
                    .containsEntry("Items", "5")
                    .containsEntry("Decided by a reviewer", "4")
                    .containsEntry("Final decision: attest", "1")
                    .containsEntry("Final decision: revoke", "2")
                    .containsEntry("Final decision: reduce", "1")
                    .containsEntry("Final decision: flag", "1")
                    .containsEntry("Final decision: undecided", "0")
                    .containsEntry("Default-decided", "1")
                    .containsEntry("Overdue (assigned reviewer missed the due date)", "1")
                    .containsEntry("Decisions refused by separation of duties", "1")
                    .containsEntry("Remediation needed", "3")
                    .containsEntry("Remediated and verified", "3")
                    .containsEntry("Audit trail", trailVerdict.equals("intact") ? "intact" : "TAMPERED: see Integrity")
                    .containsEntry("Signed off", "admin")
                    .containsEntry("Campaign owner (signs off)", "admin");
            assertThat(summary.get("Population hash")).startsWith("matches the items");
            Map<String, List<String>> items = rows(book.getSheet("Items"));
            assertThat(items.get(name("silent")))
                    .containsSubsequence("revoke", PETER, "admin") // decision, assigned, at close
                    .anyMatch(c -> c.startsWith("admin (stage 1, attest) refused: admin made the last change"));
            assertThat(items.get(name("reduce"))).contains("reduce", OLIVIA, "it only reads orders");
            Map<String, List<String>> remediation = rows(book.getSheet("Remediation"));
            assertThat(remediation).containsOnlyKeys(name("reduce"), name("revoke"), name("silent"));
            assertThat(remediation.get(name("reduce")))
                    .contains(
                            "verified",
                            "REVOKE INSERT, DELETE ON TABLE \"public\".\"orders\" FROM \"camp_reduce_" + S + "\"");
            assertThat(String.join(" ", remediation.get(name("revoke"))))
                    .contains(
                            "ALTER ROLE \"camp_revoke_" + S + "\" NOLOGIN",
                            "pg_terminate_backend",
                            "no session open in the gateway");
            assertThat(rows(book.getSheet("Decisions")).keySet())
                    .contains(name("keep"), name("reduce"), name("revoke"), name("silent"), name("probe"));
            assertThat(facts(book.getSheet("Sign-off")))
                    .containsEntry(
                            "Acknowledgement", "Access of the shop agents remains appropriate after these changes.");
            assertThat(facts(book.getSheet("Integrity")).get("Verdict")).startsWith(trailVerdict);
            assertThat(facts(book.getSheet("Summary")))
                    .containsEntry("Evidence hashes", "every item's evidence matches its hash");
        }

        byte[] pdf = download(campaignId, EvidencePacks.PDF);
        try (PDDocument doc = Loader.loadPDF(pdf)) {
            String text = new PDFTextStripper().getText(doc);
            assertThat(text)
                    .contains(
                            "Shop agents " + S,
                            "Items under review 5",
                            "final: revoke 2",
                            "remediated and verified 3",
                            name("keep"),
                            name("probe"),
                            "decommissioned last sprint",
                            "Page 1 of " + doc.getNumberOfPages(),
                            java.util.HexFormat.of()
                                    .formatHex(java.security.MessageDigest.getInstance("SHA-256")
                                            .digest(xlsx)));
        }

        // The whole pack, checked as an auditor would, with the trail's public key alone.
        Path zip = DATA_DIR.resolve("pack-" + S + ".zip");
        try (OutputStream out = Files.newOutputStream(zip)) {
            assertThat(packs.zip(campaignId, out)).isTrue();
        }
        Path key = DATA_DIR.resolve("secrets").resolve("trail-signing.key.pub");
        assertThat(verify(zip, key)).startsWith("0 ").contains("verdict: intact");
        Path unpacked = Files.createDirectories(DATA_DIR.resolve("unpacked-" + S));
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                Files.write(unpacked.resolve(e.getName()), in.readAllBytes());
            }
        }
        byte[] changed = Files.readAllBytes(unpacked.resolve(EvidencePacks.PDF));
        changed[changed.length / 2] ^= 1;
        Files.write(unpacked.resolve(EvidencePacks.PDF), changed);
        assertThat(verify(unpacked, key)).startsWith("1 ").contains("TAMPERED evidence.pdf was altered");

        // A closed campaign whose final pack went missing (it was asked for before the close, or its
        // instance died) gets one from the sweep; one that has its pack gets no second.
        packs.sweepFinalPacks();
        assertThat(store.fetchCount(EVIDENCE_PACK, EVIDENCE_PACK.CAMPAIGN_ID.eq(campaignId)))
                .isEqualTo(1);
        store.update(EVIDENCE_PACK)
                .set(EVIDENCE_PACK.REQUESTED_AT, EVIDENCE_PACK.REQUESTED_AT.minus(3600))
                .where(EVIDENCE_PACK.CAMPAIGN_ID.eq(campaignId))
                .execute();
        packs.sweepFinalPacks();
        await(
                "the sweep's pack",
                Duration.ofSeconds(60),
                () -> store.fetchExists(
                                EVIDENCE_PACK,
                                EVIDENCE_PACK.CAMPAIGN_ID.eq(campaignId).and(EVIDENCE_PACK.STATE.eq("ready")),
                                EVIDENCE_PACK.REQUESTED_AT.ge(DSL.field(DSL.select(CAMPAIGN.CLOSED_AT)
                                        .from(CAMPAIGN)
                                        .where(CAMPAIGN.ID.eq(campaignId)))))
                        ? true
                        : null);

        // The revoked agent's history across campaigns.
        byte[] history = packs.history(agentId(name("revoke"))).content();
        try (XSSFWorkbook book = new XSSFWorkbook(new ByteArrayInputStream(history))) {
            assertThat(rows(book.getSheet("Decisions")).values())
                    .singleElement()
                    .satisfies(row -> assertThat(row.getFirst()).startsWith("Shop agents " + S))
                    .satisfies(row -> assertThat(row).contains("revoke", "decommissioned last sprint", PETER));
            assertThat(rows(book.getSheet("Reviews")).values())
                    .anySatisfy(row -> assertThat(row).contains("attest", "revoke", PETER, "verified"));
        }
        signOut();
    }

    private byte[] download(UUID campaignId, String file) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(packs.writeFile(campaignId, file, out)).isTrue();
        return out.toByteArray();
    }

    /** "intact" or "TAMPERED", as {@code vigil audit verify --store} would say of the trail now. */
    private String trailVerdict() throws IOException {
        PublicKey key = TrailSigner.readPublicKey(DATA_DIR.resolve("secrets").resolve("trail-signing.key.pub"));
        // One snapshot, as the verifier's own store reader takes it: read in two steps, a checkpoint
        // signed in between would cover records the first step did not see.
        boolean intact = store.transactionResult(cfg -> {
            DSLContext tx = DSL.using(cfg);
            tx.execute("set transaction isolation level repeatable read, read only");
            StoreTrail trail = new StoreTrail(tx);
            return TrailVerifier.verify(trail.records(), trail.checkpoints(), Map.of(TrailSigner.keyId(key), key))
                    .intact();
        });
        return intact ? "intact" : "TAMPERED";
    }

    private static String verify(Path pack, Path key) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int status = AuditCommand.run(
                List.of("verify", "--public-key", key.toString(), "--pack", pack.toString()),
                Map.of(),
                new PrintStream(out, true, StandardCharsets.UTF_8));
        return status + " " + out.toString(StandardCharsets.UTF_8);
    }

    /** A sheet's label/value rows, as text. */
    private static Map<String, String> facts(Sheet sheet) {
        Map<String, String> facts = new java.util.LinkedHashMap<>();
        for (Row row : sheet) {
            if (row.getCell(0) != null && row.getCell(1) != null) {
                facts.putIfAbsent(text(row.getCell(0)), text(row.getCell(1)));
            }
        }
        return facts;
    }

    /** A table's rows (under its header) by their first cell, each row's cells as text. */
    private static Map<String, List<String>> rows(Sheet sheet) {
        Map<String, List<String>> rows = new java.util.LinkedHashMap<>();
        for (Row row : sheet) {
            if (row.getRowNum() == 0) {
                continue;
            }
            List<String> cells = new ArrayList<>();
            row.forEach(c -> cells.add(text(c)));
            if (!cells.isEmpty()) {
                rows.put(cells.getFirst(), cells);
            }
        }
        return rows;
    }

    private static String text(Cell c) {
        return c.getCellType() == CellType.NUMERIC && !DateUtil.isCellDateFormatted(c)
                ? String.valueOf((long) c.getNumericCellValue())
                : c.toString();
    }

    /**
     * Four agents, two owners, each agent with a role of its own: one reads what it may (keep), one
     * only reads though it may write (reduce), one will be revoked by its owner, one never runs a
     * statement and is two days old (silent: inactive).
     */
    private Map<String, CreatedAgent> agentsAndTraffic() throws Exception {
        Map<String, String> grantsOf = Map.of(
                "keep", "grant select on orders to %s",
                "reduce", "grant select, insert, delete on orders to %s",
                "revoke", "grant select on customers to %s",
                "silent", "grant select on products to %s",
                "probe", "grant select on orders to %s");
        try (Connection c = postgres.superuserDataSource("shop").getConnection();
                Statement s = c.createStatement()) {
            for (var g : grantsOf.entrySet()) {
                String role = "camp_" + g.getKey() + "_" + S;
                s.execute("create role " + role + " login password 'pw-" + role + "'");
                s.execute(g.getValue().formatted(role));
            }
        }
        UUID shop = store.select(io.vigil.db.jooq.Tables.TARGET.ID)
                .from(io.vigil.db.jooq.Tables.TARGET)
                .where(io.vigil.db.jooq.Tables.TARGET.NAME.eq("shop"))
                .fetchSingle(io.vigil.db.jooq.Tables.TARGET.ID);
        signIn("admin", Role.ADMIN);
        Map<String, CreatedAgent> created = new java.util.HashMap<>();
        for (String kind : List.of("keep", "reduce", "revoke", "silent", "probe")) {
            String owner = List.of("keep", "reduce", "probe").contains(kind) ? OLIVIA : PETER;
            String role = "camp_" + kind + "_" + S;
            created.put(
                    kind,
                    agentService.create(
                            new NewAgent(name(kind), owner, "campaign test agent", shop, role, "pw-" + role, false)));
        }
        for (CreatedAgent a : created.values()) {
            grants.refresh(a.id());
            agentService.tag(a.id(), List.of("acceptance-" + S, "shop"));
        }
        signOut();
        store.update(AGENT)
                .set(AGENT.CREATED_AT, java.time.OffsetDateTime.now().minusDays(2))
                .where(AGENT.NAME.eq(name("silent")))
                .execute();
        for (String kind : List.of("keep", "reduce", "probe")) {
            try (Connection c = connect(created.get(kind));
                    Statement s = c.createStatement()) {
                s.executeQuery("select count(*) from orders").close();
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (store.fetchCount(
                        io.vigil.db.jooq.Tables.USAGE_AGENT_LAST,
                        io.vigil.db.jooq.Tables.USAGE_AGENT_LAST.AGENT_ID.eq(
                                created.get("reduce").id()))
                == 0) {
            assertThat(System.nanoTime()).as("rolled up in time").isLessThan(deadline);
            rollup.rollUp();
            Thread.sleep(100);
        }
        return created;
    }

    private void people(Map<String, String> emails) {
        for (var e : emails.entrySet()) {
            store.insertInto(PERSON)
                    .set(PERSON.LOGIN, e.getKey())
                    .set(PERSON.EMAIL, e.getValue())
                    .onConflict(PERSON.LOGIN)
                    .doUpdate()
                    .set(PERSON.EMAIL, e.getValue())
                    .execute();
        }
    }

    private static boolean mailTo(String address, String subjectStart) {
        return Arrays.stream(MAIL.getReceivedMessages()).anyMatch(m -> {
            try {
                return Arrays.stream(m.getAllRecipients())
                                .anyMatch(r -> r.toString().equals(address))
                        && subject(m).startsWith(subjectStart);
            } catch (jakarta.mail.MessagingException e) {
                return false;
            }
        });
    }

    private static List<String> mailBodies() {
        return Arrays.stream(MAIL.getReceivedMessages())
                .map(com.icegreen.greenmail.util.GreenMailUtil::getBody)
                .toList();
    }

    private static String subject(MimeMessage m) throws jakarta.mail.MessagingException {
        return m.getSubject() == null ? "" : m.getSubject();
    }

    private Process openPsql(CreatedAgent a) throws Exception {
        ProcessBuilder psql = new ProcessBuilder(
                        "psql",
                        "-X",
                        "-h",
                        "127.0.0.1",
                        "-p",
                        Integer.toString(gateway.address().getPort()),
                        "-U",
                        a.name(),
                        "-d",
                        "shop")
                .redirectErrorStream(true);
        psql.environment().put("PGPASSWORD", a.secret());
        Process p = psql.start();
        Writer in = new OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8);
        in.write("select 'session open';\n");
        in.flush();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        for (String line = out.readLine(); line != null; line = out.readLine()) {
            if (line.contains("session open")) {
                return p;
            }
        }
        throw new AssertionError("psql did not open a session");
    }

    /** Sends one more statement on the session and returns all psql said. */
    private static String endOf(Process p) throws Exception {
        Writer in = new OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8);
        in.write("select 'still here';\n\\q\n");
        in.flush();
        in.close();
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    private Connection connect(CreatedAgent a) throws SQLException {
        return DriverManager.getConnection(
                "jdbc:postgresql://127.0.0.1:" + gateway.address().getPort() + "/shop", a.name(), a.secret());
    }

    private static String value(Statement s, String sql) throws SQLException {
        try (ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getString(1);
        }
    }

    private String details(UUID campaignId) {
        return store
                .select(CAMPAIGN_ITEM.AGENT_NAME, CAMPAIGN_ITEM.REMEDIATION_DETAIL)
                .from(CAMPAIGN_ITEM)
                .where(CAMPAIGN_ITEM.CAMPAIGN_ID.eq(campaignId))
                .fetch()
                .stream()
                .map(r -> r.value1() + ": " + r.value2())
                .collect(Collectors.joining("\n"));
    }

    private static ReviewItem item(List<ReviewItem> items, String kind) {
        return items.stream()
                .filter(i -> i.agent().equals(name(kind)))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no item for " + name(kind) + " in "
                        + new ArrayList<>(items.stream().map(ReviewItem::agent).toList())));
    }

    static String name(String kind) {
        return "camp-" + kind + "-" + S;
    }

    private static <T> T await(String what, Duration within, java.util.function.Supplier<T> probe)
            throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        for (T value = probe.get(); ; value = probe.get()) {
            if (value != null) {
                return value;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + " did not happen within " + within);
            }
            Thread.sleep(200);
        }
    }
}
