package io.vigil.review.demo;

import io.vigil.review.gateway.AuditTrail;
import io.vigil.review.security.Role;
import java.util.List;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;

/**
 * The demo's seeding acts through the same services people use, as Vigil itself with an
 * administrator's rights: their checks apply, and the trail names Vigil as the actor.
 */
final class AsVigil {

    private AsVigil() {}

    static void run(Runnable seeding) {
        SecurityContextHolder.getContext()
                .setAuthentication(new UsernamePasswordAuthenticationToken(
                        AuditTrail.VIGIL, null, List.of(new SimpleGrantedAuthority(Role.ADMIN.authority()))));
        try {
            seeding.run();
        } finally {
            SecurityContextHolder.clearContext();
        }
    }
}
