package io.vigil.review.usage;

/**
 * A privilege an agent's upstream role holds on its target, as the target's catalog says.
 *
 * @param kind table, column, schema, membership or attribute
 * @param object schema.relation, schema.relation.column, a schema, or a role
 * @param privilege SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER, OWNER, CREATE,
 *     MEMBER, or a role attribute (SUPERUSER, CREATEROLE, CREATEDB, BYPASSRLS)
 * @param via direct, owner, PUBLIC, or the role it comes from
 */
public record Grant(String kind, String object, String privilege, String via) {

    /** Privileges that change data or structure: the ones a review most wants used or gone. */
    public boolean writes() {
        return switch (privilege) {
            case "INSERT", "UPDATE", "DELETE", "TRUNCATE", "OWNER", "CREATE", "SUPERUSER", "CREATEROLE" -> true;
            default -> false;
        };
    }
}
