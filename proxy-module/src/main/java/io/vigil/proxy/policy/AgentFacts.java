package io.vigil.proxy.policy;

import java.util.List;

/**
 * What rules may know of the agent behind a session; the same for all its statements.
 *
 * @param name the agent's name
 * @param tags its tags
 * @param owner its owner's login name
 * @param onBehalfOf the person its workload token says it acts for, "" if none
 * @param task the task its workload token names, "" if none
 */
public record AgentFacts(String name, List<String> tags, String owner, String onBehalfOf, String task) {

    public AgentFacts {
        tags = List.copyOf(tags);
        onBehalfOf = onBehalfOf == null ? "" : onBehalfOf;
        task = task == null ? "" : task;
        owner = owner == null ? "" : owner;
    }
}
