package io.vigil.review.security;

import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How people's roles come from their identity provider ({@code vigil.login.*}).
 *
 * @param groupsClaim the ID token (or user-info) claim listing the person's groups
 * @param roleGroups for each role, the groups that grant it. Required with an organisation's provider
 *     (a default group name could be one anybody may create there); with the built-in demo
 *     provider, unset means {@code vigil-admins}, {@code vigil-owners}, {@code vigil-approvers} and
 *     {@code vigil-auditors}
 */
@ConfigurationProperties("vigil.login")
public record LoginProperties(
        @DefaultValue(LoginProperties.DEFAULT_GROUPS_CLAIM) String groupsClaim, Map<Role, List<String>> roleGroups) {

    public static final String DEFAULT_GROUPS_CLAIM = "groups";

    public LoginProperties {
        roleGroups = roleGroups == null ? Map.of() : Map.copyOf(roleGroups);
    }

    /** The demo's mapping: each role's default group. */
    public static Map<Role, List<String>> defaults() {
        Map<Role, List<String>> defaults = new EnumMap<>(Role.class);
        for (Role role : Role.values()) {
            defaults.put(role, List.of(defaultGroup(role)));
        }
        return defaults;
    }

    /** The group that grants {@code role} when none is configured: {@code vigil-admins}, ... */
    public static String defaultGroup(Role role) {
        return "vigil-" + role.name().toLowerCase(Locale.ROOT) + "s";
    }
}
