package io.vigil.review.agents;

import static io.vigil.db.jooq.Tables.AGENT_CREDENTIAL;

import io.vigil.proxy.auth.ScramSha256.Verifier;
import io.vigil.review.store.StoreMigration;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.UUID;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Issues agents' secrets. A secret is shown once, to whoever issues it; Vigil keeps only its
 * SCRAM-SHA-256 verifier, so the store cannot give a secret away.
 */
@Service
public class AgentSecrets {

    /** 32 random bytes: far beyond guessing, so 4096 SCRAM iterations are plenty. */
    private static final int SECRET_BYTES = 32;

    private final DSLContext db;
    private final SecureRandom random = new SecureRandom();
    private final Clock clock;

    AgentSecrets(DSLContext db, Clock clock, StoreMigration migrated) {
        this.db = db;
        this.clock = clock;
    }

    /**
     * Rotates {@code agentId}'s secret: issues a new one and lets the earlier live ones keep working
     * for {@code overlap}, so a deployment can switch without an outage. The new secret reuses the
     * current one's SCRAM salt, because one exchange can offer only one salt.
     *
     * @return the new secret, shown once
     */
    @Transactional
    public String rotate(UUID agentId, Duration overlap) {
        OffsetDateTime now = OffsetDateTime.now(clock);
        Condition live = AGENT_CREDENTIAL
                .AGENT_ID
                .eq(agentId)
                .and(AGENT_CREDENTIAL.REVOKED_AT.isNull())
                .and(AGENT_CREDENTIAL.EXPIRES_AT.isNull().or(AGENT_CREDENTIAL.EXPIRES_AT.gt(now)));
        Verifier current = db.select(AGENT_CREDENTIAL.SCRAM_VERIFIER)
                .from(AGENT_CREDENTIAL)
                .where(live)
                .orderBy(AGENT_CREDENTIAL.CREATED_AT.desc())
                .limit(1)
                .fetchOptional(r -> Verifier.parse(r.value1()))
                .orElse(null);
        OffsetDateTime overlapEnds = now.plus(overlap);
        db.update(AGENT_CREDENTIAL)
                .set(AGENT_CREDENTIAL.EXPIRES_AT, overlapEnds)
                .where(live)
                .and(AGENT_CREDENTIAL.EXPIRES_AT.isNull().or(AGENT_CREDENTIAL.EXPIRES_AT.gt(overlapEnds)))
                .execute();
        String secret = newSecret();
        Verifier verifier = current == null
                ? Verifier.of(secret, random)
                : Verifier.of(secret, current.salt(), current.iterations());
        store(agentId, verifier, now);
        return secret;
    }

    /** Issues a new secret for {@code agentId} and revokes every earlier one; returns the secret. */
    @Transactional
    public String replace(UUID agentId) {
        OffsetDateTime now = revokeAll(agentId);
        String secret = newSecret();
        store(agentId, Verifier.of(secret, random), now);
        return secret;
    }

    /** Revokes every live secret of {@code agentId} (one that now proves who it is with tokens). */
    @Transactional
    public OffsetDateTime revokeAll(UUID agentId) {
        OffsetDateTime now = OffsetDateTime.now(clock);
        db.update(AGENT_CREDENTIAL)
                .set(AGENT_CREDENTIAL.REVOKED_AT, now)
                .where(AGENT_CREDENTIAL.AGENT_ID.eq(agentId))
                .and(AGENT_CREDENTIAL.REVOKED_AT.isNull())
                .execute();
        return now;
    }

    private String newSecret() {
        byte[] bytes = new byte[SECRET_BYTES];
        random.nextBytes(bytes);
        return "vgl_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private void store(UUID agentId, Verifier verifier, OffsetDateTime now) {
        db.insertInto(AGENT_CREDENTIAL)
                .set(AGENT_CREDENTIAL.ID, UUID.randomUUID())
                .set(AGENT_CREDENTIAL.AGENT_ID, agentId)
                .set(AGENT_CREDENTIAL.SCRAM_VERIFIER, verifier.encode())
                .set(AGENT_CREDENTIAL.CREATED_AT, now)
                .execute();
    }
}
