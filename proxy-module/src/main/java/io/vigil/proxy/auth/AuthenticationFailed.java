package io.vigil.proxy.auth;

/**
 * A login did not succeed. The message is safe to send to the client; it never says whether the
 * user exists.
 */
public final class AuthenticationFailed extends Exception {

    private static final long serialVersionUID = 1L;

    public AuthenticationFailed(String message) {
        super(message, null, false, false);
    }
}
