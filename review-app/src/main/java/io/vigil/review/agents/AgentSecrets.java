package io.vigil.review.agents;

import static io.vigil.db.jooq.Tables.AGENT_CREDENTIAL;

import io.vigil.proxy.auth.ScramSha256.Verifier;
import io.vigil.review.store.StoreMigration;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.UUID;
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

    /** Issues a new secret for {@code agentId} and revokes every earlier one; returns the secret. */
    @Transactional
    public String replace(UUID agentId) {
        OffsetDateTime now = OffsetDateTime.now(clock);
        db.update(AGENT_CREDENTIAL)
                .set(AGENT_CREDENTIAL.REVOKED_AT, now)
                .where(AGENT_CREDENTIAL.AGENT_ID.eq(agentId))
                .and(AGENT_CREDENTIAL.REVOKED_AT.isNull())
                .execute();
        byte[] bytes = new byte[SECRET_BYTES];
        random.nextBytes(bytes);
        String secret = "vgl_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        db.insertInto(AGENT_CREDENTIAL)
                .set(AGENT_CREDENTIAL.ID, UUID.randomUUID())
                .set(AGENT_CREDENTIAL.AGENT_ID, agentId)
                .set(
                        AGENT_CREDENTIAL.SCRAM_VERIFIER,
                        Verifier.of(secret, random).encode())
                .set(AGENT_CREDENTIAL.CREATED_AT, now)
                .execute();
        return secret;
    }
}
