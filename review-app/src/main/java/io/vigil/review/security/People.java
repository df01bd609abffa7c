package io.vigil.review.security;

import static io.vigil.db.jooq.Tables.PERSON;

import io.vigil.review.store.StoreMigration;
import java.time.Clock;
import java.time.OffsetDateTime;
import org.jooq.DSLContext;
import org.springframework.context.event.EventListener;
import org.springframework.security.authentication.event.InteractiveAuthenticationSuccessEvent;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;
import org.springframework.stereotype.Component;

/**
 * The people Vigil knows, by login name: each sign-in records when they were last seen and the
 * e-mail address their provider vouches for, which is where campaign reminders go.
 */
@Component
class People {

    private final DSLContext db;
    private final Clock clock;

    People(DSLContext db, Clock clock, StoreMigration migrated) {
        this.db = db;
        this.clock = clock;
    }

    @EventListener
    void signedIn(InteractiveAuthenticationSuccessEvent event) {
        String email = event.getAuthentication().getPrincipal() instanceof OidcUser oidc
                        && Boolean.TRUE.equals(oidc.getEmailVerified())
                ? oidc.getEmail()
                : null;
        seen(event.getAuthentication().getName(), email);
    }

    void seen(String login, String email) {
        OffsetDateTime now = OffsetDateTime.now(clock);
        var insert = db.insertInto(PERSON)
                .set(PERSON.LOGIN, login)
                .set(PERSON.EMAIL, email)
                .set(PERSON.SEEN_AT, now);
        if (email == null) {
            insert.onConflict(PERSON.LOGIN).doUpdate().set(PERSON.SEEN_AT, now).execute();
        } else {
            insert.onConflict(PERSON.LOGIN)
                    .doUpdate()
                    .set(PERSON.SEEN_AT, now)
                    .set(PERSON.EMAIL, email)
                    .execute();
        }
    }
}
