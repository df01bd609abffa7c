package io.vigil.reporting;

import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * A campaign of {@code n} generated items with every kind of outcome, computed rather than stored
 * so a benchmark of 100,000 items costs no heap of its own.
 */
final class SamplePack {

    static final Instant LAUNCHED = Instant.parse("2026-10-01T06:00:00Z");
    /** The one item whose stored evidence no longer matches its hash. */
    static final int ALTERED = 7;

    static final String HOSTILE_AGENT = "ağent-\u0007bell «ünïcode» =cmd|' /C calc'!A0";

    private SamplePack() {}

    static EvidencePack of(int n) {
        String population = populationHash(n);
        return new EvidencePack(
                new CampaignFacts(
                        UUID.fromString("00000000-0000-4000-8000-000000000001"),
                        "Q4 2026 agent access review, Łódź",
                        "Quarterly agent review",
                        "Every agent with database access",
                        "every agent",
                        LAUNCHED.minusSeconds(90L * 86_400),
                        LAUNCHED,
                        LAUNCHED,
                        LAUNCHED.plusSeconds(14L * 86_400),
                        LAUNCHED.plusSeconds(20L * 86_400),
                        "closed",
                        1,
                        "recommendation",
                        "carol.ciso",
                        "sam.security"),
                Control.ACCESS_REVIEW,
                new Population(
                        population,
                        "Q3 2026 agent access review",
                        "ab".repeat(32),
                        List.of("agent-00001", "agent-00002"),
                        List.of("retired-bot")),
                each -> items(n, each),
                each -> decisions(n, each),
                Rows.of(List.of(
                        new ApprovalEvent(
                                HOSTILE_AGENT,
                                LAUNCHED.minusSeconds(86_400),
                                "baseline v1",
                                "review-unbounded-update",
                                "update orders set status = status",
                                "released",
                                "dana.approver",
                                "one-off fix",
                                5000L,
                                java.time.Duration.ofSeconds(42)),
                        new ApprovalEvent(
                                "agent-00002",
                                LAUNCHED.minusSeconds(3600),
                                "baseline v1",
                                "review-unbounded-update",
                                "update orders set total = 0",
                                "denied",
                                "dana.approver",
                                "not during the freeze",
                                null,
                                java.time.Duration.ofSeconds(8)))),
                List.of(new StandingGrant(
                        "agent-00003",
                        "update jobs set state = 'queued' where state = 'stuck'",
                        "baseline v1",
                        "review-unbounded-update",
                        "7 runs left, any values",
                        3,
                        "sam.security",
                        LAUNCHED.minusSeconds(7200),
                        "nightly unstick, ticket OPS-42",
                        "")),
                new SignOff(
                        "carol.ciso",
                        "carol.ciso",
                        LAUNCHED.plusSeconds(21L * 86_400),
                        "Reviewed the outcome; access remains appropriate.",
                        List.of(
                                new SignOff.Notice("launch", "alice.owner", n / 2, LAUNCHED, null),
                                new SignOff.Notice(
                                        "reminder", "bob.owner", 3, LAUNCHED.plusSeconds(86_400), "mail server down"))),
                new TrailCheck(
                        true,
                        LAUNCHED.plusSeconds(21L * 86_400),
                        "0123456789abcdef",
                        1_234_567,
                        4_321,
                        98_765,
                        List.of(new TrailCheck.Spool(
                                "5f0c4a4e-9d5e-4c55-8a3c-3a0b1d1f0a01",
                                1_234_567,
                                412,
                                1_234_000,
                                "cd".repeat(32),
                                LAUNCHED.plusSeconds(21L * 86_400),
                                567)),
                        List.of()),
                LAUNCHED.plusSeconds(21L * 86_400),
                "audrey.auditor");
    }

    /** Item i: decisions cycle attest, revoke, reduce, flag, undecided; every 7th is defaulted. */
    static ReviewedItem item(int i) {
        String agent = i == 0 ? HOSTILE_AGENT : String.format("agent-%05d", i);
        String decision = decision(i);
        boolean defaulted = i % 7 == 6 && decision != null;
        ReviewedItem.Remediation remediation =
                switch (decision == null ? "" : decision) {
                    case "revoke" ->
                        new ReviewedItem.Remediation(
                                i % 10 == 1 ? "failed" : "verified",
                                List.of(
                                        "ALTER ROLE \"" + agent + "_role\" NOLOGIN",
                                        "REVOKE ALL ON public.orders FROM \"" + agent + "_role\""),
                                "agent revoked in Vigil; no session open in the gateway",
                                LAUNCHED.plusSeconds(20L * 86_400 + i));
                    case "reduce" ->
                        new ReviewedItem.Remediation(
                                "verified",
                                List.of("REVOKE INSERT, DELETE ON public.payments FROM \"" + agent + "_role\""),
                                "ran 1 statement; the target's catalog shows none of those privileges",
                                LAUNCHED.plusSeconds(20L * 86_400 + i));
                    default -> ReviewedItem.Remediation.NONE;
                };
        return new ReviewedItem(
                String.format("00000000-0000-4000-8000-%012d", i),
                agent,
                i % 2 == 0 ? "alice.owner" : "bob.owner",
                "shop",
                agent + "_role",
                List.of("SELECT on public.orders", "INSERT on public.payments", "DELETE on public.payments"),
                (i * 37L) + " statements in the period; last " + LAUNCHED.minusSeconds(i) + "; SELECT public.orders",
                evidenceHash(i),
                i != ALTERED,
                i % 3 == 0 ? "reduce" : "attest",
                i % 3 == 0 ? "INSERT, DELETE on public.payments never used" : "every privilege used",
                i % 2 == 0 ? "alice.owner" : "bob.owner",
                i % 11 == 5 ? "sam.security" : (i % 2 == 0 ? "alice.owner" : "bob.owner"),
                decision,
                decision == null || defaulted ? null : "checked against the runbook, item " + i,
                decision == null || defaulted ? null : (i % 2 == 0 ? "alice.owner" : "bob.owner"),
                decision == null || defaulted ? null : LAUNCHED.plusSeconds(86_400 + i),
                decision != null && !defaulted && i % 4 == 0,
                defaulted,
                i % 11 == 5 || defaulted || decision == null,
                1,
                null,
                null,
                i % 13 == 12 ? List.of("sam.security may not decide: made its last access change") : List.of(),
                remediation);
    }

    static String decision(int i) {
        return switch (i % 5) {
            case 0 -> "attest";
            case 1 -> "revoke";
            case 2 -> "reduce";
            case 3 -> "flag";
            default -> null;
        };
    }

    private static void items(int n, Consumer<? super ReviewedItem> each) {
        for (int i = 0; i < n; i++) {
            each.accept(item(i));
        }
    }

    private static void decisions(int n, Consumer<? super DecisionEvent> each) {
        for (int i = 0; i < n; i++) {
            ReviewedItem item = item(i);
            if (item.decidedBy() != null) {
                each.accept(new DecisionEvent(
                        "Q4 2026 agent access review",
                        item.agent(),
                        1,
                        item.decision(),
                        item.justification(),
                        item.decidedBy(),
                        item.decidedAt(),
                        item.bulk(),
                        null));
            }
        }
    }

    static String evidenceHash(int i) {
        return HexFormat.of().formatHex(Hashes.sha256().digest(("evidence " + i).getBytes()));
    }

    private static String populationHash(int n) {
        MessageDigest all = Hashes.sha256();
        for (int i = 0; i < n; i++) {
            all.update(HexFormat.of().parseHex(evidenceHash(i)));
        }
        return HexFormat.of().formatHex(all.digest());
    }

    static List<ReviewedItem> items(int n) {
        List<ReviewedItem> all = new ArrayList<>();
        items(n, all::add);
        return all;
    }
}
