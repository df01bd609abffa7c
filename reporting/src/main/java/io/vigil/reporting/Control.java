package io.vigil.reporting;

import java.util.List;

/**
 * A control an access review evidences, as an auditor looks it up.
 *
 * @param framework e.g. "SOC 2"
 * @param id the control's number in that framework
 * @param evidences what of the control this pack shows
 */
public record Control(String framework, String id, String evidences) {

    /** The controls a periodic review of service accounts' database access evidences. */
    public static final List<Control> ACCESS_REVIEW = List.of(
            new Control(
                    "SOC 2 (2017 TSC)",
                    "CC6.2",
                    "access of each agent account is reviewed by its owner and removed when no longer needed"),
            new Control(
                    "SOC 2 (2017 TSC)",
                    "CC6.3",
                    "privileges are reviewed against use and reduced to what the agent needs (least privilege)"),
            new Control(
                    "PCI DSS v4.0",
                    "7.2.4",
                    "all user accounts and related access privileges are reviewed at least once every six months;"
                            + " inappropriate access is addressed; management acknowledges that access remains"
                            + " appropriate"),
            new Control(
                    "PCI DSS v4.0",
                    "7.2.5.1",
                    "all access by application and system accounts and related access privileges is reviewed"
                            + " periodically"),
            new Control(
                    "ISO/IEC 27001:2022",
                    "A.5.18",
                    "access rights are reviewed at planned intervals and adjusted when no longer needed"));
}
