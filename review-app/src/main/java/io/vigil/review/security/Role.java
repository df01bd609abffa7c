package io.vigil.review.security;

/** What a person does in Vigil. A person may hold several roles. */
public enum Role {
    /** Runs Vigil: targets, agents, campaigns; sees everything. */
    ADMIN,
    /** Accountable for some agents: attests, revokes or flags them. */
    OWNER,
    /** Releases statements held for approval. */
    APPROVER,
    /** Reads evidence; changes nothing. */
    AUDITOR;

    /** The Spring Security authority for this role. */
    public String authority() {
        return "ROLE_" + name();
    }
}
