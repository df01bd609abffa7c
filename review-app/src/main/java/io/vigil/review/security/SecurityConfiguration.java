package io.vigil.review.security;

import com.vaadin.flow.spring.security.VaadinSecurityConfigurer;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
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
 * organisation's own otherwise) and takes their roles from the ID token's {@code roles} claim.
 * Every view requires a signed-in person; the services check roles again on every call.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebSecurity
class SecurityConfiguration {

    static final String ROLES_CLAIM = "roles";

    @Bean
    SecurityFilterChain webApp(HttpSecurity http) throws Exception {
        return http.with(
                        VaadinSecurityConfigurer.vaadin(),
                        vaadin -> vaadin.oauth2LoginPage("/oauth2/authorization/" + OidcLogin.REGISTRATION_ID))
                .build();
    }

    /** Turns the ID token's {@code roles} claim into {@link Role} authorities. */
    @Bean
    GrantedAuthoritiesMapper rolesFromIdToken() {
        return authorities -> {
            Set<GrantedAuthority> mapped = new HashSet<>(authorities);
            for (GrantedAuthority authority : authorities) {
                if (authority instanceof OidcUserAuthority oidc) {
                    mapped.addAll(roles(oidc.getIdToken().getClaimAsStringList(ROLES_CLAIM)));
                }
            }
            return mapped;
        };
    }

    private static Collection<GrantedAuthority> roles(List<String> claim) {
        if (claim == null) {
            return List.of();
        }
        return claim.stream()
                .filter(name ->
                        List.of(Role.values()).stream().anyMatch(r -> r.name().equals(name)))
                .map(name -> (GrantedAuthority)
                        new SimpleGrantedAuthority(Role.valueOf(name).authority()))
                .toList();
    }
}
