package io.vigil.review.security;

import static io.vigil.db.jooq.Tables.PERSON;

import io.vigil.review.gateway.AuditTrail;
import io.vigil.review.store.StoreMigration;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.regex.Pattern;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.springframework.context.event.EventListener;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.authentication.event.AuthenticationSuccessEvent;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The people Vigil knows, by login name: everyone who signed in (each sign-in records when, and the
 * e-mail address their provider vouches for: where campaign reminders go), and whoever an
 * administrator entered. An administrator marks someone gone when they leave; a campaign then gives
 * their agents' reviews to its fallback reviewer, as it does for an owner Vigil does not know.
 */
@Service
public class People {

    /** A person as Vigil knows them. */
    public record Person(String login, String email, OffsetDateTime seenAt, OffsetDateTime goneAt, String goneBy) {

        public boolean gone() {
            return goneAt != null;
        }
    }

    private static final Pattern EMAIL = Pattern.compile("[^@\\s]{1,64}@[^@\\s]{1,190}");

    private final DSLContext db;
    private final CurrentViewer viewer;
    private final AuditTrail trail;
    private final Clock clock;

    People(DSLContext db, CurrentViewer viewer, AuditTrail trail, Clock clock, StoreMigration migrated) {
        this.db = db;
        this.viewer = viewer;
        this.trail = trail;
        this.clock = clock;
    }

    public List<Person> people() {
        Viewer v = viewer.get();
        if (!v.has(Role.ADMIN) && !v.has(Role.AUDITOR)) {
            throw new AccessDeniedException("only administrators and auditors list people");
        }
        return db.selectFrom(PERSON)
                .orderBy(PERSON.LOGIN)
                .fetch(r -> new Person(r.getLogin(), r.getEmail(), r.getSeenAt(), r.getGoneAt(), r.getGoneBy()));
    }

    /** Enters (or corrects) a person before their first sign-in, so reviews can reach them. */
    @Transactional
    public void enter(String login, String email) {
        String actor = requireAdmin();
        String name = checkLogin(login);
        if (email == null || !EMAIL.matcher(email.strip()).matches()) {
            throw new IllegalArgumentException("an e-mail address is name@domain");
        }
        db.insertInto(PERSON)
                .set(PERSON.LOGIN, name)
                .set(PERSON.EMAIL, email.strip())
                .onConflict(PERSON.LOGIN)
                .doUpdate()
                .set(PERSON.EMAIL, email.strip())
                .execute();
        trail.record(actor, "person.enter", "person", null, name, "e-mail " + email.strip());
    }

    /** Marks a person gone (left the organisation), or back; reviews of their agents go to fallbacks. */
    @Transactional
    public void setGone(String login, boolean gone) {
        String actor = requireAdmin();
        String name = checkLogin(login);
        int changed = db.update(PERSON)
                .set(PERSON.GONE_AT, gone ? OffsetDateTime.now(clock) : null)
                .set(PERSON.GONE_BY, gone ? actor : null)
                .where(PERSON.LOGIN.eq(name))
                .execute();
        if (changed == 0) {
            throw new IllegalArgumentException("Vigil does not know " + name);
        }
        trail.record(actor, gone ? "person.gone" : "person.back", "person", null, name, gone ? "marked gone" : "back");
    }

    /**
     * Every sign-in to Vigil: an OpenID Connect login. Other authentications in the same process
     * are not people signing in (the built-in provider's own form, and the web app authenticating
     * to its token endpoint as the client {@code vigil-review}).
     */
    @EventListener
    void signedIn(AuthenticationSuccessEvent event) {
        if (event.getAuthentication().getPrincipal() instanceof OidcUser oidc) {
            seen(
                    event.getAuthentication().getName(),
                    Boolean.TRUE.equals(oidc.getEmailVerified()) ? oidc.getEmail() : null);
            roles(
                    event.getAuthentication().getName(),
                    java.util.Arrays.stream(Role.values())
                            .filter(r -> event.getAuthentication().getAuthorities().stream()
                                    .anyMatch(a -> r.authority().equals(a.getAuthority())))
                            .toList());
        }
    }

    /** The roles {@code login} signed in with last: who is an approver to notify, say. */
    public void roles(String login, List<Role> roles) {
        db.update(PERSON)
                .set(PERSON.ROLES, roles.stream().map(Role::name).toArray(String[]::new))
                .where(PERSON.LOGIN.eq(login))
                .execute();
    }

    /** Where to write to a person. */
    public record Contact(String login, String email) {}

    /** The people who signed in last with {@code role}, are not gone, and have an address. */
    public List<Contact> withRole(Role role) {
        return db.select(PERSON.LOGIN, PERSON.EMAIL)
                .from(PERSON)
                .where(DSL.val(role.name()).eq(DSL.any(PERSON.ROLES)))
                .and(PERSON.GONE_AT.isNull())
                .and(PERSON.EMAIL.isNotNull())
                .orderBy(PERSON.LOGIN)
                .fetch(r -> new Contact(r.value1(), r.value2()));
    }

    /** {@code login}'s contact, empty if they are gone or no address is known. */
    public java.util.Optional<Contact> contact(String login) {
        return db.select(PERSON.LOGIN, PERSON.EMAIL)
                .from(PERSON)
                .where(PERSON.LOGIN.eq(login))
                .and(PERSON.GONE_AT.isNull())
                .and(PERSON.EMAIL.isNotNull())
                .fetchOptional(r -> new Contact(r.value1(), r.value2()));
    }

    /** Records a sign-in; a verified address from the provider replaces the one Vigil had. */
    public void seen(String login, String email) {
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

    private String requireAdmin() {
        Viewer v = viewer.get();
        if (!v.has(Role.ADMIN)) {
            throw new AccessDeniedException("only an administrator manages people");
        }
        return v.name();
    }

    private static String checkLogin(String login) {
        if (login == null
                || login.isBlank()
                || login.length() > 200
                || login.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("a login name is the person's name at the identity provider");
        }
        return login.strip();
    }
}
