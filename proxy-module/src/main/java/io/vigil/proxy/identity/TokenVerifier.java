package io.vigil.proxy.identity;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.vigil.proxy.auth.AuthenticationFailed;
import java.net.MalformedURLException;
import java.text.ParseException;
import java.util.Map;
import java.util.Set;

/**
 * Validates workload tokens: signature against the issuer's published keys (JWKS, cached and
 * refreshed on unknown key ids), issuer, audience, expiry and not-before. Blocking on a key
 * refresh: call it off the event loops.
 */
public final class TokenVerifier {

    private final WorkloadIdentity identity;
    private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();

    public TokenVerifier(WorkloadIdentity identity) {
        this.identity = identity;
        JWKSource<SecurityContext> keys;
        try {
            keys = JWKSourceBuilder.create(identity.jwks().toURL())
                    .retrying(true)
                    .build();
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException("invalid JWKS URI " + identity.jwks(), e);
        }
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(
                Set.of(JWSAlgorithm.RS256, JWSAlgorithm.PS256, JWSAlgorithm.ES256), keys));
        processor.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(
                Set.of(identity.audience()),
                new JWTClaimsSet.Builder().issuer(identity.issuer()).build(),
                Set.of("exp"),
                Set.of()));
    }

    /**
     * @throws AuthenticationFailed if the token is not valid; the reason is for the log only
     */
    public VerifiedToken verify(String token) throws AuthenticationFailed {
        JWTClaimsSet claims;
        try {
            claims = processor.process(token, null);
        } catch (ParseException | BadJOSEException | JOSEException e) {
            throw new AuthenticationFailed("invalid workload token: " + e.getMessage());
        }
        String agent = claim(claims, identity.agentClaim());
        if (agent == null) {
            throw new AuthenticationFailed("workload token has no " + identity.agentClaim() + " claim");
        }
        return new VerifiedToken(agent, claim(claims, identity.onBehalfOfClaim()), claim(claims, identity.taskClaim()));
    }

    /** The string at a dotted claim path ("act.sub"), or null. */
    static String claim(JWTClaimsSet claims, String path) {
        if (path == null || path.isBlank()) {
            return null;
        }
        Object value = claims.getClaims();
        for (String part : path.split("\\.")) {
            if (!(value instanceof Map<?, ?> map)) {
                return null;
            }
            value = map.get(part);
        }
        return value instanceof String s ? s : null;
    }
}
