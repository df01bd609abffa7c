package io.vigil.proxy.session;

import io.vigil.proxy.protocol.backend.BackendKeyData;
import java.security.SecureRandom;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The cancel keys the gateway hands its clients. Each session gets a random key of Vigil's own,
 * never the target's: a CancelRequest arrives unauthenticated on a new connection carrying nothing
 * but that key, so the key alone must name the session, and must not reveal or reach anything the
 * client was not given.
 */
public final class CancelKeys {

    private final SecureRandom random;
    private final ConcurrentMap<Long, Session> sessions = new ConcurrentHashMap<>();

    public CancelKeys(SecureRandom random) {
        this.random = random;
    }

    /** Issues a fresh key for {@code session}; {@link #release} it when the session ends. */
    public BackendKeyData issue(Session session) {
        while (true) {
            BackendKeyData key = new BackendKeyData(random.nextInt() & Integer.MAX_VALUE, random.nextInt());
            if (sessions.putIfAbsent(id(key), session) == null) {
                return key;
            }
        }
    }

    public Optional<Session> find(int processId, int secretKey) {
        return Optional.ofNullable(sessions.get(id(new BackendKeyData(processId, secretKey))));
    }

    public void release(BackendKeyData key) {
        sessions.remove(id(key));
    }

    private static long id(BackendKeyData key) {
        return ((long) key.processId() << 32) | (key.secretKey() & 0xffffffffL);
    }
}
