package io.vigil.review.usage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a role's effective privileges from a PostgreSQL catalog, connected as any role (the
 * catalog and the {@code has_*_privilege} functions answer for any role). Effective means what the
 * role can do: its own grants, PUBLIC's, those of roles it inherits, and everything on what it owns.
 */
final class CatalogPrivileges {

    private static final String TABLES = """
            select n.nspname || '.' || c.relname, p.privilege,
                   case
                       when pg_has_role(r.oid, c.relowner, 'USAGE') then 'owner'
                       when exists (select 1 from aclexplode(c.relacl) a
                                    where a.grantee = r.oid and a.privilege_type = p.privilege) then 'direct'
                       when exists (select 1 from aclexplode(c.relacl) a
                                    where a.grantee = 0 and a.privilege_type = p.privilege) then 'PUBLIC'
                       else coalesce((select string_agg(g.rolname, ', ' order by g.rolname)
                                      from aclexplode(c.relacl) a join pg_roles g on g.oid = a.grantee
                                      where a.privilege_type = p.privilege and pg_has_role(r.oid, a.grantee, 'USAGE')),
                                     'inherited')
                   end
            from pg_roles r
                     cross join pg_class c
                     join pg_namespace n on n.oid = c.relnamespace
                     cross join unnest(array['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES',
                                             'TRIGGER']) as p(privilege)
            where r.rolname = ?
              and c.relkind in ('r', 'p', 'v', 'm', 'f')
              and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg\\_%'
              and has_table_privilege(r.oid, c.oid, p.privilege)
            union all
            select n.nspname || '.' || c.relname, 'OWNER',
                   case when c.relowner = r.oid then 'owner' else (select rolname from pg_roles where oid = c.relowner) end
            from pg_roles r
                     cross join pg_class c
                     join pg_namespace n on n.oid = c.relnamespace
            where r.rolname = ?
              and c.relkind in ('r', 'p', 'v', 'm', 'f')
              and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg\\_%'
              and pg_has_role(r.oid, c.relowner, 'USAGE')
            """;

    /** Column grants beyond what the table grants (a column privilege the table also gives adds nothing). */
    private static final String COLUMNS = """
            select distinct n.nspname || '.' || c.relname || '.' || a.attname, x.privilege_type,
                   case when x.grantee = r.oid then 'direct' when x.grantee = 0 then 'PUBLIC' else g.rolname end
            from pg_roles r
                     cross join pg_attribute a
                     join pg_class c on c.oid = a.attrelid
                     join pg_namespace n on n.oid = c.relnamespace
                     cross join aclexplode(a.attacl) x
                     left join pg_roles g on g.oid = x.grantee
            where r.rolname = ?
              and a.attacl is not null and not a.attisdropped
              and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg\\_%'
              and (x.grantee = 0 or pg_has_role(r.oid, x.grantee, 'USAGE'))
              and not has_table_privilege(r.oid, c.oid, x.privilege_type)
            """;

    private static final String SCHEMAS = """
            select n.nspname, 'CREATE',
                   case when pg_has_role(r.oid, n.nspowner, 'USAGE') then 'owner' else 'granted' end
            from pg_roles r cross join pg_namespace n
            where r.rolname = ?
              and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg\\_%'
              and has_schema_privilege(r.oid, n.oid, 'CREATE')
            """;

    private static final String MEMBERSHIPS = """
            select g.rolname, 'MEMBER',
                   case when exists (select 1 from pg_auth_members m where m.member = r.oid and m.roleid = g.oid)
                        then 'direct' else 'inherited' end
            from pg_roles r cross join pg_roles g
            where r.rolname = ? and g.oid <> r.oid and pg_has_role(r.oid, g.oid, 'MEMBER')
              and g.rolname not like 'pg\\_%'
            """;

    private static final String ATTRIBUTES = """
            select r.rolname, a.attribute, 'role attribute'
            from pg_roles r
                     cross join lateral (values ('SUPERUSER', r.rolsuper), ('CREATEROLE', r.rolcreaterole),
                                                ('CREATEDB', r.rolcreatedb), ('BYPASSRLS', r.rolbypassrls),
                                                ('LOGIN', r.rolcanlogin)) as a(attribute, held)
            where r.rolname = ? and a.held
            """;

    private CatalogPrivileges() {}

    /**
     * @throws IllegalArgumentException if the target has no role of that name
     */
    static List<Grant> of(Connection target, String role) throws SQLException {
        if (!exists(target, role)) {
            throw new IllegalArgumentException("the target has no role named " + role);
        }
        List<Grant> grants = new ArrayList<>();
        read(target, TABLES, 2, role, "table", grants);
        read(target, COLUMNS, 1, role, "column", grants);
        read(target, SCHEMAS, 1, role, "schema", grants);
        read(target, MEMBERSHIPS, 1, role, "membership", grants);
        read(target, ATTRIBUTES, 1, role, "attribute", grants);
        return grants;
    }

    private static boolean exists(Connection target, String role) throws SQLException {
        try (PreparedStatement s = target.prepareStatement("select 1 from pg_roles where rolname = ?")) {
            s.setString(1, role);
            try (ResultSet r = s.executeQuery()) {
                return r.next();
            }
        }
    }

    private static void read(
            Connection target, String sql, int roleParameters, String role, String kind, List<Grant> into)
            throws SQLException {
        try (PreparedStatement s = target.prepareStatement(sql)) {
            for (int i = 1; i <= roleParameters; i++) {
                s.setString(i, role);
            }
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    into.add(new Grant(kind, r.getString(1), r.getString(2), r.getString(3)));
                }
            }
        }
    }
}
