package io.vigil.proxy.protocol;

/**
 * Size caps, checked against the length word before a single body byte is buffered. The cap before
 * authentication is much smaller: an anonymous peer must not make the gateway allocate.
 *
 * @param maxStartupLength longest startup packet; PostgreSQL's own limit is 10000 bytes
 * @param maxUnauthenticatedMessageLength longest message before authentication (SASL messages)
 * @param maxMessageLength longest message from an authenticated agent
 */
public record WireLimits(int maxStartupLength, int maxUnauthenticatedMessageLength, int maxMessageLength) {

    public static final WireLimits DEFAULT = new WireLimits(10_000, 8_192, 64 * 1024 * 1024);

    public WireLimits {
        if (maxStartupLength < 8 || maxUnauthenticatedMessageLength < 5 || maxMessageLength < 5) {
            throw new IllegalArgumentException("wire limits too small: " + maxStartupLength + ", "
                    + maxUnauthenticatedMessageLength + ", " + maxMessageLength);
        }
    }
}
