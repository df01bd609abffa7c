package io.vigil.proxy.directory;

import java.util.Optional;

/** Looks agents up by the user name they log in with. */
public interface AgentDirectory {

    /** Blocking (it reads the store): the gateway calls it off its event loops. */
    Optional<AgentLogin> find(String user);
}
