package io.vigil.proxy.directory;

import static io.vigil.db.jooq.Tables.POLICY;
import static io.vigil.db.jooq.Tables.POLICY_ATTACHMENT;
import static io.vigil.db.jooq.Tables.POLICY_EPOCH;
import static io.vigil.db.jooq.Tables.POLICY_VERSION;
import static io.vigil.db.jooq.Tables.TARGET;

import io.vigil.proxy.policy.PolicyDocument;
import io.vigil.proxy.policy.PolicyStore;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;

/** Reads policies and their attachments from Vigil's store; installs the presets Vigil ships. */
public final class JooqPolicyStore implements PolicyStore {

    private final DSLContext db;

    public JooqPolicyStore(DSLContext db) {
        this.db = db;
    }

    @Override
    public long epoch() {
        Long epoch = db.select(POLICY_EPOCH.EPOCH).from(POLICY_EPOCH).fetchOne(POLICY_EPOCH.EPOCH);
        return epoch == null ? 0 : epoch;
    }

    @Override
    public List<Stored> load() {
        return db.transactionResult(tx -> {
            DSLContext t = tx.dsl();
            var newest = DSL.select(
                            POLICY_VERSION.POLICY_ID,
                            DSL.max(POLICY_VERSION.VERSION).as("version"))
                    .from(POLICY_VERSION)
                    .groupBy(POLICY_VERSION.POLICY_ID)
                    .asTable("newest");
            Map<UUID, List<Attachment>> attachments = new LinkedHashMap<>();
            for (var a : t.selectFrom(POLICY_ATTACHMENT).orderBy(POLICY_ATTACHMENT.CREATED_AT)) {
                attachments
                        .computeIfAbsent(a.getPolicyId(), p -> new ArrayList<>())
                        .add(new Attachment(
                                a.getTargetId(),
                                Arrays.asList(a.getAgents()),
                                Arrays.asList(a.getOwners()),
                                Arrays.asList(a.getTags())));
            }
            List<Stored> stored = new ArrayList<>();
            var rows = t.select(
                            POLICY.ID,
                            POLICY.NAME,
                            POLICY_VERSION.VERSION,
                            POLICY_VERSION.DOCUMENT,
                            POLICY_VERSION.MODE)
                    .from(POLICY)
                    .join(newest)
                    .on(newest.field(POLICY_VERSION.POLICY_ID).eq(POLICY.ID))
                    .join(POLICY_VERSION)
                    .on(POLICY_VERSION.POLICY_ID.eq(POLICY.ID))
                    .and(POLICY_VERSION.VERSION.eq(newest.field("version", Integer.class)))
                    .orderBy(POLICY.NAME)
                    .fetch();
            for (var row : rows) {
                List<Attachment> attached = attachments.get(row.value1());
                if (attached != null) {
                    stored.add(new Stored(
                            row.value2(), row.value3(), row.value4(), "observe".equals(row.value5()), attached));
                }
            }
            return stored;
        });
    }

    /**
     * Installs the presets Vigil ships that the store does not have yet, as their version 1 by
     * {@code vigil}. When the baseline arrives, every target without a policy gets it (and every
     * target made later, by the store's trigger).
     *
     * @return the presets installed now (none if all were there)
     */
    @Override
    public List<String> installPresets() {
        List<String> installed = new ArrayList<>();
        db.transaction(tx -> {
            DSLContext t = tx.dsl();
            t.execute("lock table policy in share row exclusive mode"); // two starting gateways
            for (String name : PolicyDocument.PRESETS) {
                if (t.fetchExists(POLICY, POLICY.NAME.eq(name))) {
                    continue;
                }
                UUID id = UUID.randomUUID();
                t.insertInto(POLICY)
                        .set(POLICY.ID, id)
                        .set(POLICY.NAME, name)
                        .set(POLICY.PRESET, true)
                        .execute();
                t.insertInto(POLICY_VERSION)
                        .set(POLICY_VERSION.POLICY_ID, id)
                        .set(POLICY_VERSION.VERSION, 1)
                        .set(
                                POLICY_VERSION.DOCUMENT,
                                PolicyDocument.preset(name).json())
                        .set(POLICY_VERSION.CREATED_BY, "vigil")
                        .execute();
                if (name.equals("baseline")) {
                    t.insertInto(
                                    POLICY_ATTACHMENT,
                                    POLICY_ATTACHMENT.ID,
                                    POLICY_ATTACHMENT.POLICY_ID,
                                    POLICY_ATTACHMENT.TARGET_ID,
                                    POLICY_ATTACHMENT.CREATED_BY)
                            .select(DSL.select(
                                            DSL.field("gen_random_uuid()", UUID.class),
                                            DSL.val(id),
                                            TARGET.ID,
                                            DSL.val("vigil"))
                                    .from(TARGET)
                                    .whereNotExists(DSL.selectOne()
                                            .from(POLICY_ATTACHMENT)
                                            .where(POLICY_ATTACHMENT.TARGET_ID.eq(TARGET.ID))))
                            .execute();
                }
                installed.add(name);
            }
        });
        return installed;
    }
}
