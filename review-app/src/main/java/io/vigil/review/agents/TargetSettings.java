package io.vigil.review.agents;

/**
 * What an administrator enters for a target.
 *
 * @param name how agents name it in their connection string (the database they ask for)
 * @param loginUser the role agents without a role of their own log in as
 * @param password the login role's password: entered once, sealed, never shown again; null or empty
 *     when editing keeps the stored one
 * @param managementUser Vigil's own login (catalog reads, remediation): no agent may log in as it
 * @param managementPassword its password, likewise
 */
public record TargetSettings(
        String name,
        String host,
        int port,
        String database,
        String tlsMode,
        String loginUser,
        String password,
        String managementUser,
        String managementPassword,
        String parameterMode,
        String description) {

    /** Without the password: requests get logged. */
    @Override
    public String toString() {
        return "TargetSettings[" + name + " -> " + loginUser + "@" + host + ":" + port + "/" + database + ", " + tlsMode
                + ", managed as " + managementUser + "]";
    }
}
