package io.vigil.proxy.sql;

import java.util.Map;

/**
 * A function a statement calls, as the session resolves it against the target's catalog: one per
 * overload the name may reach, or one that is not known (made since the catalog was read, or never:
 * then the worst it could be, volatile and SECURITY DEFINER, owned by someone else).
 *
 * @param name as written ({@code purge}, {@code billing.settle})
 * @param schema where it is, "" if not known
 */
public record ResolvedCall(
        String name,
        String schema,
        boolean known,
        boolean isVolatile,
        boolean securityDefiner,
        String language,
        boolean owned) {

    static ResolvedCall unknown(String name) {
        return new ResolvedCall(name, "", false, true, true, "", false);
    }

    static ResolvedCall of(String name, RelationCatalog.Function f) {
        return new ResolvedCall(name, f.schema(), true, f.isVolatile(), f.securityDefiner(), f.language(), f.owned());
    }

    /** Part of the server: pg_catalog's and information_schema's. */
    public boolean builtin() {
        return schema.equals("pg_catalog") || schema.equals("information_schema");
    }

    /** As a policy rule reads it: {@code calls.exists(f, f.language == 'plperlu')}. */
    public Map<String, Object> fact() {
        return Map.of(
                "name", name,
                "schema", schema,
                "known", known,
                "volatile", isVolatile,
                "security_definer", securityDefiner,
                "language", language,
                "owned", owned,
                "builtin", builtin());
    }
}
