package io.vigil.proxy.policy;

import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's current {@link PolicyBook}, kept in step with the store: {@link #refresh} reads the
 * store's epoch and reloads when it moved. Until a first load succeeds every statement is denied;
 * when the store cannot be read later, the book last read stays in force.
 */
public final class Policies {

    private static final Logger log = LoggerFactory.getLogger(Policies.class);

    private final PolicyStore store;
    private final AtomicReference<PolicyBook> book =
            new AtomicReference<>(PolicyBook.unloaded("Vigil has not read its policies from its store yet"));

    public Policies(PolicyStore store) {
        this.store = store;
    }

    /** The book in force now. */
    public PolicyBook book() {
        return book.get();
    }

    /** Reloads if the store's policies changed since the book in force was read. Blocking. */
    public void refresh() {
        try {
            long epoch = store.epoch();
            if (epoch != book.get().epoch()) {
                book.set(PolicyBook.of(epoch, store.load()));
                log.info("policies loaded at epoch {}", epoch);
            }
        } catch (RuntimeException e) {
            log.warn("cannot read policies from the store; the ones read last stay in force: {}", e.toString());
        }
    }
}
