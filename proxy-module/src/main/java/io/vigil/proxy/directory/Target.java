package io.vigil.proxy.directory;

import java.util.UUID;

/**
 * A database Vigil fronts, with the credential the gateway logs in with. Agents name it by {@code
 * name} in their connection string; the gateway connects to {@code database} on {@code host}.
 */
public record Target(
        UUID id, String name, String host, int port, String database, String upstreamUser, String upstreamPassword) {

    @Override
    public String toString() {
        return "Target[" + name + " -> " + upstreamUser + "@" + host + ":" + port + "/" + database + "]";
    }
}
