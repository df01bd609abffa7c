package io.vigil.review.security;

import java.util.Set;

/**
 * The person a request is for, as services see them: their login name at the identity provider
 * (what agents' {@code owner} refers to) and their roles.
 */
public record Viewer(String name, Set<Role> roles) {

    public Viewer {
        roles = Set.copyOf(roles);
    }

    public boolean has(Role role) {
        return roles.contains(role);
    }

    /** Admins, auditors and approvers see every agent's activity; an owner sees their own agents'. */
    public boolean seesAllAgents() {
        return has(Role.ADMIN) || has(Role.AUDITOR) || has(Role.APPROVER);
    }

    /** Whether the person holds any Vigil role; signed in without one, they see nothing. */
    public boolean hasAnyRole() {
        return !roles.isEmpty();
    }
}
