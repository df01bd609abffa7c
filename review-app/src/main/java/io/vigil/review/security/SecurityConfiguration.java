package io.vigil.review.security;

import com.vaadin.flow.spring.security.VaadinSecurityConfigurer;
import java.util.HashSet;
import java.util.Set;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.authority.mapping.GrantedAuthoritiesMapper;
import org.springframework.security.oauth2.core.oidc.user.OidcUserAuthority;
import org.springframework.security.web.SecurityFilterChain;

/**
 * The web app signs people in with OpenID Connect (the built-in identity provider in the demo, the
 * organisation's own otherwise) and takes their roles from the groups claim, through the configured
 * {@link RoleMapping}. Every view requires a signed-in person; the services check roles again on
 * every call.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebSecurity
class SecurityConfiguration {

    @Bean
    SecurityFilterChain webApp(HttpSecurity http) throws Exception {
        // Vaadin's configurer denies every request it does not know; the evidence downloads are
        // for auditors and administrators (their service checks the roles again on every call).
        http.authorizeHttpRequests(requests ->
                requests.requestMatchers("/downloads/**").hasAnyRole(Role.AUDITOR.name(), Role.ADMIN.name()));
        return http.with(
                        VaadinSecurityConfigurer.vaadin(),
                        vaadin -> vaadin.oauth2LoginPage("/oauth2/authorization/" + OidcLogin.REGISTRATION_ID))
                .build();
    }

    @Bean
    RoleMapping roleMapping(
            LoginProperties login,
            @org.springframework.beans.factory.annotation.Value("${vigil.idp.builtin:false}") boolean builtinProvider) {
        if (!login.roleGroups().isEmpty()) {
            return new RoleMapping(login.roleGroups());
        }
        if (builtinProvider) {
            return new RoleMapping(LoginProperties.defaults());
        }
        throw new IllegalStateException("map your identity provider's groups to Vigil's roles:"
                + " set vigil.login.role-groups.admin (and .owner, .approver, .auditor) to group names or ids");
    }

    /**
     * Turns the groups claim (of the ID token, or the user-info answer when the provider sends it
     * there) into {@link Role} authorities. Whatever else the provider sends is dropped: a role comes
     * only from this mapping.
     */
    @Bean
    GrantedAuthoritiesMapper rolesFromGroups(LoginProperties login, RoleMapping mapping) {
        String claim = login.groupsClaim();
        return authorities -> {
            Set<GrantedAuthority> mapped = new HashSet<>();
            for (GrantedAuthority authority : authorities) {
                if (!authority.getAuthority().startsWith("ROLE_")) {
                    mapped.add(authority);
                }
                if (authority instanceof OidcUserAuthority oidc) {
                    mapping.roles(oidc.getAttributes().get(claim)).stream()
                            .map(role -> new SimpleGrantedAuthority(role.authority()))
                            .forEach(mapped::add);
                }
            }
            return mapped;
        };
    }
}
