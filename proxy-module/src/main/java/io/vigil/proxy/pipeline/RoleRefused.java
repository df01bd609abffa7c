package io.vigil.proxy.pipeline;

/**
 * The target's login role for an agent is one Vigil will not use (see {@link
 * io.vigil.proxy.directory.RoleSafety}), or could not be checked. The message is for the trail and
 * the agent's owner.
 */
final class RoleRefused extends Exception {

    private static final long serialVersionUID = 1L;

    RoleRefused(String message) {
        super(message, null, false, false);
    }
}
