package io.vigil.review.agents;

import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * A database Vigil fronts, as the inventory shows it: never its credential.
 *
 * @param loginUser the role Vigil logs in as for agents without a role of their own
 * @param managementUser Vigil's own login for catalog reads and remediation, null if not set
 * @param tlsMode disable, require or verify-full
 * @param parameterMode store (bind parameters kept) or hash (only their SHA-256)
 */
public record Target(
        UUID id,
        String name,
        String host,
        int port,
        String database,
        String tlsMode,
        String loginUser,
        String managementUser,
        String parameterMode,
        String description,
        OffsetDateTime createdAt) {}
