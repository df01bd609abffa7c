package io.vigil.review.usage;

import io.vigil.proxy.sql.RelationName;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Privileges held next to privileges used, per relation: what an access review needs to see that
 * an agent holds more than it uses. A pure function of the catalog's grants and the rolled-up
 * usage, so it is tested from tables.
 *
 * <p>The gateway records relations as the target resolved them ({@code public.orders}, {@code
 * pg_catalog.pg_authid}, {@code ?nosuch} for one that did not exist). PostgreSQL's own catalogs
 * and relations that did not exist are kept out of the rows, in {@link #catalogReads} and {@link
 * #missing}: they are not the agent's tables.
 *
 * @param catalogReads PostgreSQL catalogs the agent read (pg_catalog, information_schema)
 * @param missing relations statements named that did not exist, as the statements named them
 */
public record GrantUsageMatrix(List<Row> rows, List<String> catalogReads, List<String> missing) {

    /** The privileges the matrix shows, in order; OWNER stands for DDL (alter, drop). */
    public static final List<String> PRIVILEGES = List.of("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "OWNER");

    /** Which operations use a privilege. */
    private static final Map<String, Set<String>> USED_BY = Map.of(
            "SELECT", Set.of("select"),
            "INSERT", Set.of("insert", "merge"),
            "UPDATE", Set.of("update", "merge"),
            "DELETE", Set.of("delete", "merge"),
            "TRUNCATE", Set.of("truncate"),
            "OWNER", Set.of("ddl"));

    /** One relation: a cell per privilege, in {@link #PRIVILEGES} order. */
    public record Row(String relation, List<Cell> cells) {

        public Cell cell(String privilege) {
            return cells.get(PRIVILEGES.indexOf(privilege));
        }
    }

    /**
     * @param via how the privilege is held, null if it is not
     * @param lastUsed the last statement that used it within the window, null if none did
     */
    public record Cell(String privilege, String via, OffsetDateTime lastUsed) {

        public boolean held() {
            return via != null;
        }

        public boolean used() {
            return lastUsed != null;
        }

        /** Held, and not used within the window: what a reviewer should question. */
        public boolean unused() {
            return held() && !used();
        }

        /** Used without the privilege (it was revoked since, or the use was denied). */
        public boolean usedWithoutGrant() {
            return !held() && used();
        }
    }

    /**
     * @param grants the agent's privileges (only table ones are shown)
     * @param usage its usage within the window
     */
    public static GrantUsageMatrix of(List<Grant> grants, List<RelationUsage> usage) {
        Map<String, Map<String, String>> held = new TreeMap<>();
        for (Grant g : grants) {
            if (g.kind().equals("table") && PRIVILEGES.contains(g.privilege())) {
                held.computeIfAbsent(g.object(), r -> new HashMap<>()).put(g.privilege(), g.via());
            }
        }
        Map<String, Map<String, OffsetDateTime>> used = new TreeMap<>();
        Set<String> catalogReads = new TreeSet<>();
        Set<String> missing = new TreeSet<>();
        for (RelationUsage u : usage) {
            if (RelationName.missing(u.relation())) {
                missing.add(u.relation().substring(1));
                continue;
            }
            String relation = resolve(plain(u.relation()), held.keySet());
            if (RelationName.catalog(relation)) {
                catalogReads.add(relation);
                continue;
            }
            for (var privilege : USED_BY.entrySet()) {
                if (privilege.getValue().contains(u.operation())) {
                    used.computeIfAbsent(relation, r -> new HashMap<>())
                            .merge(privilege.getKey(), u.lastAt(), (a, b) -> a.isAfter(b) ? a : b);
                }
            }
        }
        Set<String> relations = new TreeSet<>(held.keySet());
        relations.addAll(used.keySet());
        List<Row> rows = new ArrayList<>();
        for (String relation : relations) {
            List<Cell> cells = new ArrayList<>();
            for (String privilege : PRIVILEGES) {
                cells.add(new Cell(
                        privilege,
                        held.getOrDefault(relation, Map.of()).get(privilege),
                        used.getOrDefault(relation, Map.of()).get(privilege)));
            }
            rows.add(new Row(relation, List.copyOf(cells)));
        }
        return new GrantUsageMatrix(List.copyOf(rows), List.copyOf(catalogReads), List.copyOf(missing));
    }

    /**
     * A recorded name as the catalog's grants name relations: {@code schema.relation} without
     * quotes ({@code shop."Order Lines"} is {@code shop.Order Lines} there).
     */
    static String plain(String recorded) {
        List<String> parts = RelationName.parts(recorded);
        return parts == null ? recorded : String.join(".", parts);
    }

    /** Held write or DDL privileges no statement used in the window, as "relation PRIVILEGE". */
    public List<String> unusedWrites() {
        List<String> unused = new ArrayList<>();
        for (Row row : rows) {
            for (Cell cell : row.cells()) {
                if (cell.unused() && !cell.privilege().equals("SELECT")) {
                    unused.add(row.relation() + " " + cell.privilege());
                }
            }
        }
        return unused;
    }

    /**
     * The catalog's schema.relation that a statement's relation name means: itself when qualified
     * (the gateway qualifies every name it resolved). An unqualified one is from a trail written
     * before the gateway resolved names: the only held relation of that name, else a PostgreSQL
     * catalog if it is named like one and not held, else the one in {@code public}.
     */
    static String resolve(String written, Set<String> catalog) {
        if (written.contains(".")) {
            return written;
        }
        List<String> candidates = catalog.stream()
                .filter(c -> c.endsWith("." + written))
                .sorted(Comparator.naturalOrder())
                .toList();
        if (candidates.size() == 1) {
            return candidates.getFirst();
        }
        if (candidates.isEmpty() && written.startsWith("pg_")) {
            return "pg_catalog." + written;
        }
        return candidates.contains("public." + written) || candidates.isEmpty()
                ? "public." + written
                : candidates.getFirst();
    }

    /** Relations in order with their rows, for lookups in tests and views. */
    public Map<String, Row> byRelation() {
        Map<String, Row> map = new LinkedHashMap<>();
        rows.forEach(r -> map.put(r.relation(), r));
        return map;
    }
}
