package io.vigil.proxy.directory;

import java.util.List;

/**
 * Which roles an agent may log in to a target as. A role that could make or change roles, read or
 * write the server's files, skip row security, signal other backends, or act as Vigil's own
 * management login would let the agent step around the gateway: make itself a login Vigil never
 * sees and connect to the database directly. Owning tables is allowed: guardrails judge what is
 * done with them.
 *
 * <p>Refused: SUPERUSER, CREATEROLE, REPLICATION or BYPASSRLS; ADMIN OPTION on any role (through any
 * membership); membership, direct or inherited, in Vigil's management role or in {@link
 * #FORBIDDEN_MEMBERSHIPS}. The check is one query the target answers from its own catalog, so the
 * gateway runs it as the agent's role on the agent's own connection before handing it over, and the
 * web app runs it for any role through its management login.
 */
public final class RoleSafety {

    /** Predefined roles that reach past the database's privileges. */
    public static final List<String> FORBIDDEN_MEMBERSHIPS = List.of(
            "pg_read_server_files",
            "pg_write_server_files",
            "pg_execute_server_program",
            "pg_read_all_data",
            "pg_write_all_data",
            "pg_signal_backend");

    private RoleSafety() {}

    /**
     * One row, one text column: why the role may not be used, or the empty string if it may; no
     * row if there is no such role. Every name is schema-qualified and every operator spelled
     * {@code OPERATOR(pg_catalog.x)}: the query runs under the agent's search_path, where a function
     * or operator of the agent's making could otherwise stand in for the catalog's.
     *
     * @param role the role to check, as an SQL expression: {@code CURRENT_USER}, or a literal from
     *     {@link #literal}
     * @param managementRole the target's management login, null if it has none
     */
    public static String query(String role, String managementRole) {
        StringBuilder forbidden = new StringBuilder();
        for (String name : managementRole == null
                ? FORBIDDEN_MEMBERSHIPS
                : java.util.stream.Stream.concat(
                                java.util.stream.Stream.of(managementRole), FORBIDDEN_MEMBERSHIPS.stream())
                        .toList()) {
            forbidden.append(forbidden.isEmpty() ? "" : ", ").append(literal(name));
        }
        return """
                select pg_catalog.concat_ws(', ',
                         case when r.rolsuper then 'SUPERUSER' end,
                         case when r.rolcreaterole then 'CREATEROLE' end,
                         case when r.rolreplication then 'REPLICATION' end,
                         case when r.rolbypassrls then 'BYPASSRLS' end,
                         (select pg_catalog.concat('ADMIN OPTION on ',
                                     pg_catalog.string_agg(distinct g.rolname, ', '))
                            from pg_catalog.pg_auth_members m
                            join pg_catalog.pg_roles g on g.oid OPERATOR(pg_catalog.=) m.roleid
                           where m.admin_option
                             and pg_catalog.pg_has_role(r.oid, m.member, 'MEMBER')
                          having pg_catalog.count(*) OPERATOR(pg_catalog.>) 0),
                         (select pg_catalog.concat('member of ',
                                     pg_catalog.string_agg(f.rolname, ', ' order by f.rolname))
                            from pg_catalog.pg_roles f
                           where f.rolname OPERATOR(pg_catalog.=) any (array[%s]::pg_catalog.name[])
                             and f.oid OPERATOR(pg_catalog.<>) r.oid
                             and pg_catalog.pg_has_role(r.oid, f.oid, 'MEMBER')
                          having pg_catalog.count(*) OPERATOR(pg_catalog.>) 0))
                  from pg_catalog.pg_roles r
                 where r.rolname OPERATOR(pg_catalog.=) %s
                """.formatted(forbidden, role);
    }

    /** {@code name} as an SQL string literal. */
    public static String literal(String name) {
        return "'" + name.replace("'", "''") + "'";
    }

    /** The message for a role refused for {@code reasons} (the query's answer). */
    public static String refusal(String role, String reasons) {
        return "role \"" + role + "\" may not be used through Vigil: it has " + reasons
                + " (an agent's role must not be able to create logins or reach past the database)";
    }
}
