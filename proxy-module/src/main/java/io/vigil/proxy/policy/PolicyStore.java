package io.vigil.proxy.policy;

import java.util.List;
import java.util.UUID;

/** Where the gateway reads policies from: Vigil's store. */
public interface PolicyStore {

    /** Moves whenever a policy or an attachment changes; read often, so cheap. */
    long epoch();

    /** Every policy's newest version that is attached somewhere, with its attachments. */
    List<Stored> load();

    /**
     * Installs the presets Vigil ships that the store lacks.
     *
     * @return the names of those installed now
     */
    List<String> installPresets();

    /**
     * A policy as stored.
     *
     * @param document its JSON (see {@link PolicyDocument})
     * @param observing whether this version only observes: nothing it says stops a statement
     */
    record Stored(String name, long version, String document, boolean observing, List<Attachment> attachments) {
        public Stored {
            attachments = List.copyOf(attachments);
        }

        public Stored(String name, long version, String document, List<Attachment> attachments) {
            this(name, version, document, false, attachments);
        }
    }

    /**
     * Where a policy applies: a target's agents, narrowed by name, owner or tag (an empty list does
     * not narrow).
     */
    record Attachment(UUID targetId, List<String> agents, List<String> owners, List<String> tags) {
        public Attachment {
            agents = List.copyOf(agents);
            owners = List.copyOf(owners);
            tags = List.copyOf(tags);
        }

        /** Whether the attachment reaches {@code agent}. */
        public boolean reaches(AgentFacts agent) {
            return (agents.isEmpty() || agents.contains(agent.name()))
                    && (owners.isEmpty() || owners.contains(agent.owner()))
                    && (tags.isEmpty() || tags.stream().anyMatch(agent.tags()::contains));
        }
    }
}
