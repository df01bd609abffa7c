package io.vigil.review.security;

import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which Vigil roles a person holds, from the groups their identity provider says they are in. The
 * mapping is configuration ({@code vigil.login.role-groups.*}), so any OIDC provider works: Keycloak
 * sends group names (with a leading {@code /} when "full group path" is on), Okta group names,
 * Microsoft Entra group object ids.
 */
public record RoleMapping(Map<Role, List<String>> groupsOf) {

    public RoleMapping {
        groupsOf = Map.copyOf(groupsOf);
    }

    /** The roles of someone whose groups claim holds {@code claim} (a list, or one string). */
    public Set<Role> roles(Object claim) {
        Set<Role> roles = EnumSet.noneOf(Role.class);
        for (String group : groups(claim)) {
            groupsOf.forEach((role, groups) -> {
                if (groups.contains(group) || group.startsWith("/") && groups.contains(group.substring(1))) {
                    roles.add(role);
                }
            });
        }
        return roles;
    }

    private static List<String> groups(Object claim) {
        return switch (claim) {
            case null -> List.of();
            case String one -> List.of(one);
            case Collection<?> many ->
                many.stream()
                        .filter(String.class::isInstance)
                        .map(String.class::cast)
                        .toList();
            default -> List.of();
        };
    }
}
