package io.vigil.review.security;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import io.vigil.review.VigilProperties;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.MediaType;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.client.registration.InMemoryClientRegistrationRepository;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.oidc.OidcScopes;
import org.springframework.security.oauth2.core.oidc.endpoint.OidcParameterNames;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationGrantAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.client.InMemoryRegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.settings.AuthorizationServerSettings;
import org.springframework.security.oauth2.server.authorization.settings.ClientSettings;
import org.springframework.security.oauth2.server.authorization.settings.TokenSettings;
import org.springframework.security.oauth2.server.authorization.token.JwtEncodingContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenCustomizer;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.authentication.SavedRequestAwareAuthenticationSuccessHandler;
import org.springframework.security.web.savedrequest.HttpSessionRequestCache;
import org.springframework.security.web.util.matcher.MediaTypeRequestMatcher;

/**
 * The built-in OpenID Connect provider (Spring Authorization Server) of the demo ({@code
 * vigil.idp.builtin}, on by default in the demo), running inside the web app at {@code
 * vigil.public-url}. It stands in for an organisation's identity provider: the web
 * app signs in through it with the same authorization-code flow it would use against a real one.
 *
 * <pre>
 * browser                 web app (client)                 built-in provider
 *   | GET /                    |                                  |
 *   |------------------------->| 302 /oauth2/authorization/vigil  |
 *   |<-------------------------|                                  |
 *   | GET /oauth2/authorize ------------------------------------->| not signed in: 302 /login
 *   | POST /login (user, password) ------------------------------>| 302 back to /oauth2/authorize
 *   | GET /oauth2/authorize ------------------------------------->| 302 /login/oauth2/code/vigil?code
 *   | GET /login/oauth2/code/vigil?code                            |
 *   |------------------------->| POST /oauth2/token (code) ------>|
 *   |                          |<------------ ID token with roles |
 *   |      302 / (signed in)   |                                  |
 *   |<-------------------------|                                  |
 * </pre>
 *
 * The provider's own sign-in keeps its saved request apart from the web app's, so the two flows do
 * not redirect into each other.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnBooleanProperty("vigil.idp.builtin")
class DemoIdentityProvider {

    private static final String CLIENT_ID = "vigil-review";
    private static final HttpSessionRequestCache PROVIDER_REQUESTS = providerRequestCache();

    private final String clientSecret = randomSecret();

    @Bean
    @Order(1)
    SecurityFilterChain providerEndpoints(HttpSecurity http) throws Exception {
        http.oauth2AuthorizationServer(server -> {
                    http.securityMatcher(server.getEndpointsMatcher());
                    server.oidc(Customizer.withDefaults());
                })
                .authorizeHttpRequests(requests -> requests.anyRequest().authenticated())
                .requestCache(cache -> cache.requestCache(PROVIDER_REQUESTS))
                .exceptionHandling(errors -> errors.defaultAuthenticationEntryPointFor(
                        new LoginUrlAuthenticationEntryPoint("/login"),
                        new MediaTypeRequestMatcher(MediaType.TEXT_HTML)));
        return http.build();
    }

    @Bean
    @Order(2)
    SecurityFilterChain providerSignIn(HttpSecurity http) throws Exception {
        SavedRequestAwareAuthenticationSuccessHandler backToProvider =
                new SavedRequestAwareAuthenticationSuccessHandler();
        backToProvider.setRequestCache(PROVIDER_REQUESTS);
        http.securityMatcher("/login", "/default-ui.css")
                .authorizeHttpRequests(requests -> requests.anyRequest().permitAll())
                .requestCache(cache -> cache.requestCache(PROVIDER_REQUESTS))
                .formLogin(form -> form.successHandler(backToProvider));
        return http.build();
    }

    @Bean
    DemoUsers demoUsers(VigilProperties properties) {
        return new DemoUsers(properties.dataDir());
    }

    @Bean
    UserDetailsService providerUsers(DemoUsers users) {
        PasswordEncoder encoder = PasswordEncoderFactories.createDelegatingPasswordEncoder();
        return new InMemoryUserDetailsManager(users.all().stream()
                .map(u -> User.withUsername(u.username())
                        .password(encoder.encode(u.password()))
                        .roles(u.role().name())
                        .build())
                .toList());
    }

    /** The demo CI job: an agent that proves who it is with this provider's access tokens. */
    @Bean
    DemoWorkloadClient demoWorkloadClient() {
        return new DemoWorkloadClient(DemoWorkloadClient.AGENT, randomSecret());
    }

    @Bean
    RegisteredClientRepository registeredClients(VigilProperties properties, DemoWorkloadClient workload) {
        RegisteredClient ciJob = RegisteredClient.withId(UUID.randomUUID().toString())
                .clientId(workload.clientId())
                .clientSecret(PasswordEncoderFactories.createDelegatingPasswordEncoder()
                        .encode(workload.clientSecret()))
                .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
                .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_POST)
                .authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS)
                .tokenSettings(TokenSettings.builder()
                        .accessTokenTimeToLive(Duration.ofMinutes(15))
                        .build())
                .build();
        RegisteredClient webApp = RegisteredClient.withId(UUID.randomUUID().toString())
                .clientId(CLIENT_ID)
                .clientSecret(PasswordEncoderFactories.createDelegatingPasswordEncoder()
                        .encode(clientSecret))
                .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
                .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
                .redirectUri(properties.publicUrl() + "/login/oauth2/code/" + OidcLogin.REGISTRATION_ID)
                .postLogoutRedirectUri(properties.publicUrl() + "/")
                .scope(OidcScopes.OPENID)
                .scope(OidcScopes.PROFILE)
                .clientSettings(ClientSettings.builder()
                        .requireAuthorizationConsent(false)
                        .build())
                .build();
        return new InMemoryRegisteredClientRepository(webApp, ciJob);
    }

    /** The web app's side of the same registration. */
    @Bean
    ClientRegistrationRepository clientRegistrations(VigilProperties properties) {
        String issuer = properties.publicUrl();
        return new InMemoryClientRegistrationRepository(ClientRegistration.withRegistrationId(OidcLogin.REGISTRATION_ID)
                .clientName("Vigil demo identity provider")
                .clientId(CLIENT_ID)
                .clientSecret(clientSecret)
                .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
                .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
                .redirectUri("{baseUrl}/login/oauth2/code/{registrationId}")
                .scope(OidcScopes.OPENID, OidcScopes.PROFILE)
                .issuerUri(issuer)
                .authorizationUri(issuer + "/oauth2/authorize")
                .tokenUri(issuer + "/oauth2/token")
                .jwkSetUri(issuer + "/oauth2/jwks")
                .userNameAttributeName("sub")
                .build());
    }

    @Bean
    AuthorizationServerSettings providerSettings(VigilProperties properties) {
        return AuthorizationServerSettings.builder()
                .issuer(properties.publicUrl())
                .build();
    }

    /** A signing key for this run; tokens signed before a restart no longer verify, by design. */
    @Bean
    JWKSource<SecurityContext> signingKeys() throws NoSuchAlgorithmException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair pair = generator.generateKeyPair();
        RSAKey key = new RSAKey.Builder((RSAPublicKey) pair.getPublic())
                .privateKey((RSAPrivateKey) pair.getPrivate())
                .keyID(UUID.randomUUID().toString())
                .build();
        return new ImmutableJWKSet<>(new JWKSet(key));
    }

    /**
     * Puts the person's groups into the ID token, as an organisation's provider would; the web app
     * maps them to roles like any other provider's.
     */
    @Bean
    OAuth2TokenCustomizer<JwtEncodingContext> rolesInIdToken() {
        return context -> {
            if (AuthorizationGrantType.CLIENT_CREDENTIALS.equals(context.getAuthorizationGrantType())) {
                workloadClaims(context);
                return;
            }
            if (OidcParameterNames.ID_TOKEN.equals(context.getTokenType().getValue())) {
                context.getClaims()
                        .claim(
                                LoginProperties.DEFAULT_GROUPS_CLAIM,
                                context.getPrincipal().getAuthorities().stream()
                                        .map(GrantedAuthority::getAuthority)
                                        .filter(a -> a.startsWith("ROLE_"))
                                        .map(a -> Role.valueOf(a.substring("ROLE_".length())))
                                        .map(LoginProperties::defaultGroup)
                                        .toList())
                        // an address nobody owns (RFC 2606), verified as a provider would say
                        .claim("email", context.getPrincipal().getName() + "@vigil.example")
                        .claim("email_verified", true);
            }
        };
    }

    /**
     * A workload's access token: for the gateway, and naming the human the job acts for and its
     * task when the job's token request says so ({@code on_behalf_of}, {@code task}), as a CI
     * system's token would name the pipeline's trigger. This demo provider takes the job's word for
     * it; an organisation's provider would check it.
     */
    private static void workloadClaims(JwtEncodingContext context) {
        context.getClaims().audience(List.of(DemoWorkloadClient.AUDIENCE));
        if (context.getAuthorizationGrant() instanceof OAuth2AuthorizationGrantAuthenticationToken grant) {
            Object human = grant.getAdditionalParameters().get("on_behalf_of");
            Object task = grant.getAdditionalParameters().get("task");
            if (human instanceof String h && !h.isBlank()) {
                context.getClaims().claim("act", Map.of("sub", h.strip()));
            }
            if (task instanceof String t && !t.isBlank()) {
                context.getClaims().claim("task_id", t.strip());
            }
        }
    }

    private static HttpSessionRequestCache providerRequestCache() {
        HttpSessionRequestCache cache = new HttpSessionRequestCache();
        cache.setSessionAttrName("VIGIL_PROVIDER_SAVED_REQUEST");
        return cache;
    }

    private static String randomSecret() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
