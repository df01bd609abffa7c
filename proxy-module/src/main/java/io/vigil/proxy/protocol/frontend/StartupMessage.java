package io.vigil.proxy.protocol.frontend;

import java.util.Map;
import java.util.Objects;

/**
 * StartupMessage (F): {@code Int32 length, Int32 protocol version, (String name, String value)*,
 * Byte1(0)}.
 *
 * @param protocolVersion major version in the high 16 bits, minor in the low
 * @param parameters the parameters as sent, in order; names are unique
 */
public record StartupMessage(int protocolVersion, Map<String, String> parameters) implements FrontendMessage {

    /** Protocol 3.0. */
    public static final int PROTOCOL_3_0 = 3 << 16;

    public StartupMessage {
        parameters = Map.copyOf(Objects.requireNonNull(parameters, "parameters"));
    }

    public int majorVersion() {
        return protocolVersion >>> 16;
    }

    public int minorVersion() {
        return protocolVersion & 0xffff;
    }

    public String user() {
        return parameters.get("user");
    }

    /** The database, which defaults to the user name as in PostgreSQL. */
    public String database() {
        return parameters.getOrDefault("database", user());
    }
}
