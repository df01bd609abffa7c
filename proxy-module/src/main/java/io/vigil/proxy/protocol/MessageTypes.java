package io.vigil.proxy.protocol;

/**
 * The regular message types one side may send at one stage of a connection. The frame decoder
 * checks a frame's type byte before it buffers anything of its body, as PostgreSQL does ("invalid
 * frontend message type"): a message nobody knows how to handle is refused at once, neither buffered
 * up to the size cap nor relayed for the other side to make sense of.
 */
public final class MessageTypes {

    private final String side;
    private final boolean[] allowed = new boolean[256];

    /**
     * @param side "frontend" or "backend", for the error
     * @param types each type byte allowed, as ASCII characters
     */
    public MessageTypes(String side, String types) {
        this.side = side;
        for (int i = 0; i < types.length(); i++) {
            allowed[types.charAt(i) & 0xff] = true;
        }
    }

    boolean allows(byte type) {
        return allowed[type & 0xff];
    }

    /** @throws ProtocolViolation if {@code type} is not one of these */
    void check(byte type) {
        if (!allows(type)) {
            throw new ProtocolViolation("invalid " + side + " message type " + (type & 0xff));
        }
    }
}
