package io.vigil.proxy.protocol;

/**
 * The SQLSTATE codes the gateway itself sends, named as in PostgreSQL's errcodes.txt.
 *
 * @see <a href="https://www.postgresql.org/docs/current/errcodes-appendix.html">Error Codes</a>
 */
public final class SqlState {

    public static final String PROTOCOL_VIOLATION = "08P01";
    public static final String CHARACTER_NOT_IN_REPERTOIRE = "22021";
    public static final String CONNECTION_FAILURE = "08006";
    public static final String SQLCLIENT_UNABLE_TO_ESTABLISH_SQLCONNECTION = "08001";
    public static final String INVALID_PASSWORD = "28P01";
    public static final String INVALID_AUTHORIZATION_SPECIFICATION = "28000";
    public static final String FEATURE_NOT_SUPPORTED = "0A000";
    public static final String PROGRAM_LIMIT_EXCEEDED = "54000";
    public static final String CONFIGURATION_LIMIT_EXCEEDED = "53400";
    public static final String QUERY_CANCELED = "57014";
    public static final String ADMIN_SHUTDOWN = "57P01";
    public static final String CANNOT_CONNECT_NOW = "57P03";
    public static final String INTERNAL_ERROR = "XX000";
    public static final String INSUFFICIENT_PRIVILEGE = "42501";

    private SqlState() {}
}
