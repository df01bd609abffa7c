package io.vigil.proxy.policy;

import io.vigil.proxy.protocol.SqlState;
import io.vigil.proxy.protocol.frontend.StartupMessage;
import io.vigil.proxy.sql.LexingSettings;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Which startup parameters an agent may send. Only an allow-list of session settings passes to the
 * target: {@code options} would let a client set any server setting (including ones that change
 * how statements are lexed or logged), and {@code replication} would open a replication session
 * the statement trail cannot see. Protocol options ({@code _pq_.*}) are declined through
 * NegotiateProtocolVersion, as PostgreSQL does for ones it does not know.
 */
public final class StartupPolicy {

    /** Session settings a client may choose at startup (names compare case-insensitively). */
    static final Set<String> FORWARDED = Set.of(
            "application_name",
            "client_encoding",
            "datestyle",
            "timezone",
            "extra_float_digits",
            "intervalstyle",
            "search_path",
            "statement_timeout",
            "lock_timeout",
            "idle_in_transaction_session_timeout",
            "default_transaction_isolation",
            "default_transaction_read_only",
            "standard_conforming_strings",
            "bytea_output",
            "client_min_messages");

    /** Taken by the gateway itself: the agent's identity and the target it names. */
    private static final Set<String> CONSUMED = Set.of("user", "database");

    private StartupPolicy() {}

    /** What to do with a startup message. */
    public sealed interface Verdict {}

    /**
     * Go on.
     *
     * @param forwarded the parameters to send to the target, as the client spelled them
     * @param declinedProtocolOptions {@code _pq_} options to name in NegotiateProtocolVersion
     */
    public record Accept(Map<String, String> forwarded, List<String> declinedProtocolOptions) implements Verdict {}

    /** Refuse the connection with this error. */
    public record Refuse(String sqlState, String message) implements Verdict {}

    public static Verdict check(StartupMessage startup) {
        Map<String, String> forwarded = new LinkedHashMap<>();
        List<String> declined = new ArrayList<>();
        for (Map.Entry<String, String> p : startup.parameters().entrySet()) {
            String name = p.getKey().toLowerCase(Locale.ROOT);
            if (name.startsWith("_pq_.")) {
                declined.add(p.getKey());
            } else if (name.equals("replication")) {
                return new Refuse(
                        SqlState.FEATURE_NOT_SUPPORTED, "replication connections are not allowed through Vigil");
            } else if (name.equals("options")) {
                return new Refuse(
                        SqlState.FEATURE_NOT_SUPPORTED,
                        "startup parameter \"options\" is not allowed through Vigil; set session parameters with SET");
            } else if (!LexingSettings.allows(name, p.getValue())) {
                return new Refuse(SqlState.FEATURE_NOT_SUPPORTED, LexingSettings.refusal(p.getKey(), p.getValue()));
            } else if (FORWARDED.contains(name)) {
                forwarded.put(p.getKey(), p.getValue());
            } else if (!CONSUMED.contains(name)) {
                return new Refuse(
                        SqlState.FEATURE_NOT_SUPPORTED,
                        "startup parameter \"" + p.getKey() + "\" is not allowed through Vigil");
            }
        }
        return new Accept(forwarded, declined);
    }
}
