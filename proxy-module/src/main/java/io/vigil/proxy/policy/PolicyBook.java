package io.vigil.proxy.policy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Every policy as loaded at one moment, compiled, by the targets they are attached to. Immutable:
 * a change in the store makes a new book. A policy that cannot be compiled or read is in the book as
 * one that denies everything, saying why (Vigil fails closed).
 */
public final class PolicyBook {

    private record Applied(Policy policy, PolicyStore.Attachment attachment) {}

    private final long epoch;
    private final Map<UUID, List<Applied>> byTarget;
    /** Set when the store could not be read at all: every statement is denied with this. */
    private final Policy unloaded;

    private PolicyBook(long epoch, Map<UUID, List<Applied>> byTarget, Policy unloaded) {
        this.epoch = epoch;
        this.byTarget = byTarget;
        this.unloaded = unloaded;
    }

    /** Compiles what the store holds at {@code epoch}. */
    public static PolicyBook of(long epoch, List<PolicyStore.Stored> stored) {
        Map<UUID, List<Applied>> byTarget = new HashMap<>();
        for (PolicyStore.Stored s : stored) {
            Policy policy = compile(s);
            for (PolicyStore.Attachment a : s.attachments()) {
                byTarget.computeIfAbsent(a.targetId(), t -> new ArrayList<>()).add(new Applied(policy, a));
            }
        }
        byTarget.replaceAll((t, list) -> List.copyOf(list));
        return new PolicyBook(epoch, Map.copyOf(byTarget), null);
    }

    /** A book for a gateway that could not read its policies: it denies everything, saying {@code why}. */
    public static PolicyBook unloaded(String why) {
        return new PolicyBook(-1, Map.of(), Policy.broken("vigil", 0, "policies-unavailable", why));
    }

    private static Policy compile(PolicyStore.Stored s) {
        try {
            return PolicyDocument.parse(s.document()).compile(s.version(), s.observing());
        } catch (PolicyDocument.InvalidDocument | Policy.InvalidPolicy e) {
            // An observing version that cannot be loaded still stops nothing: it says so on each statement.
            return Policy.broken(
                            s.name(),
                            s.version(),
                            "policy-invalid",
                            "policy '" + s.name() + "' version " + s.version() + " cannot be loaded (" + e.getMessage()
                                    + "): denied, as Vigil fails closed")
                    .observing(s.observing());
        }
    }

    /** The policies that apply to {@code agent} on {@code target}; empty if none does. */
    public List<Policy> forAgent(UUID target, AgentFacts agent) {
        if (unloaded != null) {
            return List.of(unloaded);
        }
        List<Applied> attached = byTarget.getOrDefault(target, List.of());
        List<Policy> policies = new ArrayList<>(attached.size());
        for (Applied a : attached) {
            if (a.attachment().reaches(agent) && !policies.contains(a.policy())) {
                policies.add(a.policy());
            }
        }
        return List.copyOf(policies);
    }

    /** The store's epoch this book was read at; -1 if it could not be read. */
    public long epoch() {
        return epoch;
    }
}
