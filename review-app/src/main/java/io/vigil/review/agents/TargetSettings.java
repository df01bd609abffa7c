package io.vigil.review.agents;

/**
 * What an administrator enters for a target.
 *
 * @param name how agents name it in their connection string (the database they ask for)
 * @param password the login role's password: entered once, sealed, never shown again; null or empty
 *     when editing keeps the stored one
 */
public record TargetSettings(
        String name,
        String host,
        int port,
        String database,
        String tlsMode,
        String loginUser,
        String password,
        String parameterMode,
        String description) {

    /** Without the password: requests get logged. */
    @Override
    public String toString() {
        return "TargetSettings[" + name + " -> " + loginUser + "@" + host + ":" + port + "/" + database + ", " + tlsMode
                + "]";
    }
}
