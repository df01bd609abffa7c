package io.vigil.review.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RoleMappingTest {

    /** As configured for Microsoft Entra (group object ids) next to plain group names. */
    private static final RoleMapping MAPPING = new RoleMapping(Map.of(
            Role.ADMIN, List.of("vigil-admins", "5f2a1c3e-0000-4000-8000-00000000000a"),
            Role.OWNER, List.of("vigil-owners", "engineering"),
            Role.AUDITOR, List.of("vigil-auditors")));

    static Stream<Arguments> claims() {
        return Stream.of(
                Arguments.of("no claim", null, Set.of()),
                Arguments.of("no groups", List.of(), Set.of()),
                Arguments.of("one group as a string", "vigil-admins", Set.of(Role.ADMIN)),
                Arguments.of(
                        "several roles", List.of("engineering", "vigil-auditors"), Set.of(Role.OWNER, Role.AUDITOR)),
                Arguments.of("an Entra object id", List.of("5f2a1c3e-0000-4000-8000-00000000000a"), Set.of(Role.ADMIN)),
                Arguments.of("a Keycloak full group path", List.of("/vigil-owners"), Set.of(Role.OWNER)),
                Arguments.of("a nested path is another group", List.of("/other/vigil-owners"), Set.of()),
                Arguments.of("a role name is not a group", List.of("ADMIN", "ROLE_ADMIN", "admin"), Set.of()),
                Arguments.of("case matters", List.of("VIGIL-ADMINS"), Set.of()),
                Arguments.of("a role unmapped here", List.of("vigil-approvers"), Set.of()),
                Arguments.of("not strings", List.of(42, Map.of("name", "vigil-admins")), Set.of()),
                Arguments.of("a number", 42, Set.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("claims")
    void rolesComeOnlyFromConfiguredGroups(String what, Object claim, Set<Role> expected) {
        assertThat(MAPPING.roles(claim)).isEqualTo(expected);
    }

    @org.junit.jupiter.api.Test
    void unconfiguredEachRoleHasItsDefaultGroup() {
        RoleMapping defaults = new RoleMapping(LoginProperties.defaults());
        assertThat(defaults.roles(List.of("vigil-admins", "vigil-owners", "vigil-approvers", "vigil-auditors")))
                .containsExactlyInAnyOrder(Role.values());
    }
}
